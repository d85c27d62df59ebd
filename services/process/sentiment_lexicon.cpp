// The finance lexicon of the sentiment scorer, written by hand for this
// project. Valences run from about -3 to +3: under 1 mild ("launches"), 1
// clear ("gains"), 1.5-2 strong ("misses", "upgrade"), 2.5 and more severe
// ("bankruptcy"). Words are listed in every inflection rather than stemmed:
// a stemmer would merge "advanced" (materials) with "advances" (shares).
// Patterns are explained in sentiment.hpp (lexicon::Row).
#include <array>

#include "sentiment.hpp"

namespace st::process::lexicon {
namespace {

using K = Kind;

// Phrases that name a comparison with what the market expected.
#define ST_EXPECTATION "expected|feared|estimated|forecast|anticipated|estimates|expectations|forecasts"
#define ST_CONSENSUS "?analyst|analysts|wall|economists ?street estimates|expectations|forecasts|consensus|views"

constexpr std::array kRows = std::to_array<Row>({
    // --- earnings against expectations -------------------------------------------------
    {"beat|beats|beating|top|tops|topped|topping|exceed|exceeds|exceeded|exceeding|surpass|surpasses|surpassed|"
     "crush|crushes|crushed ?profit|revenue|sales|earnings|eps " ST_CONSENSUS,
     K::kTerm, 2.0},
    {"beat|beats|beating", K::kTerm, 1.5},
    {"tops|topped|topping", K::kTerm, 1.0},
    {"exceed|exceeds|exceeded|exceeding|surpass|surpasses|surpassed", K::kTerm, 1.5},
    {"outperforms|outperformed|outpace|outpaces|outpaced", K::kTerm, 1.2},
    {"ahead of " ST_CONSENSUS, K::kTerm, 1.5},
    {"ahead of schedule|plan|target|targets", K::kTerm, 1.2},
    {"above " ST_CONSENSUS, K::kTerm, 1.5},
    {"guides|guided above", K::kTerm, 1.5},
    {"miss|misses|missed|missing ?profit|revenue|sales|earnings|eps " ST_CONSENSUS, K::kTerm, -2.0},
    {"miss|misses|missed", K::kTerm, -1.5},
    {"below " ST_CONSENSUS, K::kTerm, -1.5},
    {"short of " ST_CONSENSUS, K::kTerm, -1.5},
    {"fall|falls|fell|falling|come|comes|came short", K::kTerm, -1.5},
    {"better|stronger|narrower|smaller|faster|healthier|firmer than " ST_EXPECTATION, K::kTerm, 2.0},
    {"worse|weaker|wider|bigger|larger|deeper|slower|softer than " ST_EXPECTATION, K::kTerm, -2.0},
    {"lower than " ST_EXPECTATION, K::kTerm, -1.0},
    {"hotter than " ST_EXPECTATION, K::kTerm, -1.5},
    {"cooler than " ST_EXPECTATION, K::kTerm, 1.5},
    {"not as bad|weak|severe|steep as " ST_EXPECTATION, K::kTerm, 2.0},
    {"more than expected|anticipated|forecast", K::kAdverb, 1.5},
    {"in line with ?analyst|analysts|wall|economists ?street estimates|expectations|forecasts|consensus|views",
     K::kNeutraliser, 0.3},
    {"match|matches|matched|matching|meet|meets|met " ST_CONSENSUS, K::kNeutraliser, 0.3},
    {"as ?widely|largely expected|anticipated", K::kNeutraliser, 0.3},
    {"meet|meets|met ?main|primary goal|goals|endpoint|endpoints", K::kTerm, 1.5},
    {"meet|meets|met", K::kTerm, 0.5},

    // --- results ----------------------------------------------------------------------
    {"profit|profits|profitable|profitability", K::kTerm, 0.5},
    {"swing|swings|swung|return|returns|returned|turn|turns|turned|back to profit|profitability|black",
     K::kTerm, 2.0},
    {"turn|turns|turned profitable", K::kTerm, 2.0},
    {"swing|swings|swung|slip|slips|slipped to ?net loss|losses|red", K::kTerm, -2.0},
    {"loss|losses", K::kTerm, -1.2},
    {"narrow|narrows|narrowed|narrowing|narrower", K::kTerm, 1.0},
    {"cut|cuts|cutting|trim|trims|trimmed|reduce|reduces|reduced|narrows|narrowed loss|losses", K::kTerm,
     1.5},
    {"growth|grow|grows|grew|growing", K::kTerm, 0.8},
    {"slow|slower|slowest|slowing|weak|weaker|weakest|sluggish|tepid ?revenue|sales|profit|earnings|job|jobs|"
     "wage|economic|subscriber|user|loan|deposit|volume growth",
     K::kTerm, -2.0},
    {"expand|expands|expanded|expanding|expansion", K::kTerm, 0.8},
    {"accelerate|accelerates|accelerated|accelerating|reaccelerate|reaccelerates|reaccelerated", K::kTerm, 1.2},
    {"decelerate|decelerates|decelerated|decelerating|deceleration", K::kTerm, -1.2},
    {"improve|improves|improved|improving|improvement", K::kTerm, 1.0},
    {"deteriorate|deteriorates|deteriorated|deteriorating|deterioration", K::kTerm, -1.5},
    {"double|doubles|doubled|doubling|triple|triples|tripled", K::kTerm, 1.0},
    {"halve|halves|halved", K::kTerm, -1.0},
    {"margin|margins pressure|squeeze|compression", K::kTerm, -1.5},
    {"margin expansion", K::kTerm, 1.2},
    {"write|writes|wrote down|off", K::kTerm, -1.8},
    {"writedown|writedowns|impairment|impairments|writeoff", K::kTerm, -1.8},
    {"charge|charges|charged", K::kTerm, -1.2},

    // --- guidance, capital return ----------------------------------------------------
    {"raise|raises|raised|raising|lift|lifts|lifted|lifting|boost|boosts|boosted|boosting|hike|hikes|hiked|"
     "upped|ups",
     K::kTerm, 1.0},
    {"increase|increases|increased|increasing", K::kTerm, 0.6},
    {"cut|cuts|cutting|lower|lowers|lowered|lowering", K::kTerm, -1.0},
    {"trim|trims|trimmed|reduce|reduces|reduced|reducing", K::kTerm, -0.8},
    {"slash|slashes|slashed|slashing", K::kTerm, -2.0},
    {"withdraw|withdraws|withdrew|withdrawn|pull|pulls|pulled", K::kTerm, -1.5},
    {"suspend|suspends|suspended|suspending|halt|halts|halted|halting", K::kTerm, -1.5},
    {"scrap|scraps|scrapped|abandon|abandons|abandoned|cancel|cancels|canceled|cancelled", K::kTerm, -1.2},
    {"guidance|outlook|forecast|forecasts|view|dividend|dividends|payout|target|targets", K::kObject, 1.5},
    {"buyback|buybacks|repurchase|repurchases", K::kTerm, 1.2},
    {"special|initial|new dividend", K::kTerm, 1.5},
    {"first ever dividend", K::kTerm, 1.5},
    {"dividend cut|cuts|suspension", K::kTerm, -2.0},
    {"omit|omits|omitted|skip|skips|skipped dividend", K::kTerm, -2.0},
    {"reaffirm|reaffirms|reaffirmed|reiterate|reiterates|reiterated|affirm|affirms|affirmed|maintain|maintains|"
     "maintained",
     K::kInert, 0},
    {"share|stock|equity sale|offering", K::kTerm, -0.3},  // dilution, mild: most offerings are routine
    {"dilution|dilutive", K::kTerm, -1.0},
    {"cost|costs cut|cuts|cutting|savings", K::kTerm, 1.2},
    {"cut|cuts|cutting|slash|slashes|reduce|reduces costs|debt", K::kTerm, 1.2},

    // --- analysts and ratings ---------------------------------------------------------
    {"upgrade|upgrades|upgraded", K::kTerm, 2.0},
    {"downgrade|downgrades|downgraded", K::kTerm, -2.0},
    {"overweight|outperform", K::kTerm, 1.0},
    {"buy|overweight|outperform rating", K::kTerm, 1.0},
    {"strong buy", K::kTerm, 1.0},
    {"top pick", K::kTerm, 1.0},
    {"underweight|underperform", K::kTerm, -1.0},
    {"sell|underweight|underperform rating", K::kTerm, -1.0},
    {"junk", K::kTerm, -1.5},
    {"price target", K::kObject, 1.5},
    {"praise|praises|praised", K::kTerm, 1.0},
    {"bullish|upbeat|optimistic|optimism", K::kTerm, 1.3},
    {"bearish|downbeat|pessimistic|pessimism|gloomy|gloom", K::kTerm, -1.3},

    // --- price moves ------------------------------------------------------------------
    {"skyrocket|skyrockets|skyrocketed", K::kTerm, 2.5},
    {"surge|surges|surged|surging|soar|soars|soared|soaring|rocket|rockets|rocketed", K::kTerm, 2.0},
    {"jump|jumps|jumped|jumping|rally|rallies|rallied|rallying|rebound|rebounds|rebounded|rebounding", K::kTerm,
     1.5},
    {"climb|climbs|climbed|climbing|gain|gains|gained|gaining|rise|rises|rose|rising|risen|advances|pop|pops|"
     "popped",
     K::kTerm, 1.0},
    {"recover|recovers|recovered|recovering|recovery", K::kTerm, 1.0},
    {"edge|edges|edged higher|up", K::kTerm, 0.5},
    {"shares|stock|stocks ?are|is|trade|trading up|higher", K::kTerm, 1.0},
    {"record|year|month|week highs|high", K::kTerm, 2.0},
    {"all time highs|high", K::kTerm, 2.0},
    {"plunge|plunges|plunged|plunging|plummet|plummets|plummeted|crater|craters|cratered|tank|tanks|tanked|"
     "crash|crashes|crashed|collapse|collapses|collapsed|rout",
     K::kTerm, -2.0},
    {"tumble|tumbles|tumbled|tumbling|sink|sinks|sank|sinking|sunk|slump|slumps|slumped|slumping|"
     "selloff",
     K::kTerm, -1.8},
    {"drop|drops|dropped|dropping|slide|slides|slid|sliding|lose|loses|losing|lost", K::kTerm, -1.2},
    {"fall|falls|fell|falling|fallen|decline|declines|declined|declining", K::kTerm, -1.0},
    {"slip|slips|slipped|slipping|sag|sags|sagged|retreat|retreats|retreated|dip|dips|dipped", K::kTerm, -0.8},
    {"edge|edges|edged lower|down", K::kTerm, -0.5},
    {"shares|stock|stocks ?are|is|trade|trading down|lower", K::kTerm, -1.0},
    {"record|year|month|week lows|low", K::kTerm, -1.5},
    {"all time lows|low", K::kTerm, -1.5},
    {"stumble|stumbles|stumbled|falter|falters|faltered", K::kTerm, -1.5},
    {"weaken|weakens|weakened|weakening|soften|softens|softened|softening", K::kTerm, -1.2},
    {"slow|slows|slowed|slowing|slowdown|slower|slowest", K::kTerm, -1.0},
    {"stabilize|stabilizes|stabilized|stabilizing|stabilise|stabilises|stabilised|stabilising", K::kTerm, 0.8},
    {"best day|week|month|quarter|year", K::kTerm, 1.5},
    {"worst day|week|month|quarter|year", K::kTerm, -1.5},

    // --- business tone ----------------------------------------------------------------
    {"strong|stronger|strongest|strength|robust|solid|healthy|resilient|brisk|buoyant", K::kTerm, 1.0},
    {"weak|weaker|weakest|weakness|sluggish|soft|softer|tepid|lackluster|lacklustre|poor", K::kTerm, -1.2},
    {"disappoint|disappoints|disappointed|disappointing|disappointment|dismal|grim", K::kTerm, -1.5},
    {"impress|impresses|impressed|impressive|encouraging|promising|stellar|blockbuster", K::kTerm, 1.5},
    {"positive", K::kTerm, 1.0},
    {"negative", K::kTerm, -1.0},
    {"favorable|favourable", K::kTerm, 1.2},
    {"unfavorable|unfavourable|adverse", K::kTerm, -1.2},
    {"best", K::kTerm, 1.0},
    {"worst", K::kTerm, -1.5},
    {"win|wins|won|winning", K::kTerm, 1.5},
    {"secure|secures|secured|award|awards|awarded|land|lands|landed", K::kTerm, 1.0},
    {"boom|booms|booming|breakthrough|milestone|tailwind|tailwinds|momentum|traction|turnaround", K::kTerm, 1.0},
    {"headwind|headwinds|pressure|pressures|pressured|squeeze|squeezed", K::kTerm, -1.0},
    {"glut|bust|shortfall", K::kTerm, -1.5},
    {"shortage|shortages", K::kTerm, -1.0},
    {"concern|concerns|worry|worries|worried|fear|fears|feared|jitters|anxiety", K::kTerm, -1.0},
    {"uncertainty|uncertain|volatile|volatility|turmoil|turbulence", K::kTerm, -0.8},
    {"risk|risks|risky", K::kTerm, -0.5},
    {"confidence|confident", K::kTerm, 0.8},
    {"demand slump|slumps|weakens|softens|falls|drops", K::kTerm, -1.5},
    {"launch|launches|launched|unveil|unveils|unveiled|introduce|introduces|introduced", K::kTerm, 0.3},
    {"discovery|discovers|discovered", K::kTerm, 1.0},
    {"premium", K::kTerm, 0.5},
    {"warn|warns|warned|warning|warnings", K::kTerm, -1.5},
    {"profit|earnings|sales|revenue warning", K::kTerm, -2.0},
    {"hit by|with", K::kTerm, -1.5},
    {"face|faces|facing", K::kTerm, -0.5},
    {"overhang", K::kTerm, -0.8},
    {"behind it|us|them", K::kTerm, 1.5},  // "recall costs are behind it"
    {"dispute|disputes", K::kTerm, -0.8},
    {"delay|delays|delayed|postpone|postpones|postponed", K::kTerm, -1.0},
    {"setback|setbacks|blow", K::kTerm, -1.5},
    {"failure|failures", K::kTerm, -1.2},
    {"fault|faulty|defect|defects|defective|flaw|flaws|flawed|glitch|error|errors", K::kTerm, -1.2},
    {"accounting errors|irregularities|problems|issues", K::kTerm, -2.0},
    {"fraud|fraudulent|scandal|bribery|embezzlement", K::kTerm, -2.0},
    {"misconduct|wrongdoing", K::kTerm, -1.5},
    {"outage|outages|breach|breaches|hack|hacked|cyberattack|ransomware", K::kTerm, -1.5},
    {"contamination|contaminated|explosion|derailment|spill|accident|blaze", K::kTerm, -1.5},
    {"recall|recalls|recalled|recalling", K::kTerm, -1.5},
    {"shutdown|shutdowns|closure|closures", K::kTerm, -1.2},
    {"close|closes|closing|shut|shuts plant|plants|stores|factory|factories|mine|mines|offices", K::kTerm, -1.5},
    {"strike|strikes|walkout", K::kTerm, -1.2},
    {"strike|strikes|struck oil|gold|deal|agreement", K::kTerm, 1.0},
    {"inventory glut|buildup", K::kTerm, -1.5},
    {"efficacy|efficacious", K::kTerm, 1.0},  // not "effective": "effective January 1"
    {"side effects", K::kTerm, -1.2},
    {"extend|extends|extended|improves|improved survival", K::kTerm, 1.5},

    // --- jobs and restructuring -------------------------------------------------------
    {"job|jobs cut|cuts|losses", K::kTerm, -1.5},
    {"layoff|layoffs|redundancies", K::kTerm, -1.5},
    {"lay|lays|laid off", K::kTerm, -1.5},
    {"restructuring|downsizing", K::kTerm, -0.5},
    {"hiring freeze", K::kTerm, -1.0},

    // --- executives ---------------------------------------------------------------------
    {"step|steps|stepped|stepping down", K::kTerm, -1.2},
    {"resign|resigns|resigned|resignation|quit|quits", K::kTerm, -1.2},
    {"oust|ousts|ousted|ouster|fired|sacked", K::kTerm, -1.5},
    {"departure|departs|departed|exit|exits|exited", K::kTerm, -0.8},

    // --- law, regulators ----------------------------------------------------------------
    {"lawsuit|lawsuits|suit|suits|sue|sues|sued|suing|litigation", K::kTerm, -1.2},
    {"class action", K::kTerm, -1.5},
    {"probe|probes|investigation|investigations|investigate|investigates|investigating|inquiry|subpoena",
     K::kTerm, -1.2},
    {"scrutiny", K::kTerm, -1.0},
    {"fine|fines|fined|penalty|penalties", K::kTerm, -1.5},
    {"verdict|allege|alleges|alleged|alleging|allegation|allegations", K::kTerm, -1.0},
    {"indict|indicts|indicted|indictment|convicted", K::kTerm, -2.0},
    {"illegal|illegally|unlawful|unlawfully|unregistered|violation|violations|violate|violates|violated",
     K::kTerm, -1.2},
    {"antitrust|monopoly|breakup", K::kTerm, -0.8},
    {"ban|bans|banned|banning|bars|barred|blocks|blocked", K::kTerm, -1.5},
    {"restriction|restrictions|restrict|restricts|curb|curbs|sanction|sanctions|tariff|tariffs", K::kTerm, -1.0},
    {"tighten|tightens|tightened|tightening|crackdown", K::kTerm, -1.0},
    {"lift|lifts|lifted|lifting|ease|eases|eased|easing|remove|removes|removed|removing|scrap|scraps|"
     "scrapped ban|bans|cap|restrictions|sanctions|curbs|tariffs|overhang",
     K::kTerm, 1.5},
    {"approve|approves|approved|approval|approvals|clear|clears|cleared|greenlight|greenlights", K::kTerm, 1.5},
    {"clearance|authorization|authorisation", K::kTerm, 1.0},
    {"reject|rejects|rejected|rejection|deny|denies|denied", K::kTerm, -1.5},
    {"overturn|overturns|overturned", K::kTerm, 1.2},
    {"settle|settles|settled|settlement|appeal", K::kInert, 0},
    {"bankruptcy|bankrupt|insolvency|insolvent|liquidation|receivership|default|defaults|defaulted|delisting|"
     "delisted",
     K::kTerm, -2.5},
    {"chapter 11|7", K::kTerm, -2.5},
    {"file|files|filed|filing for bankruptcy|chapter|insolvency", K::kTerm, -3.0},
    {"going concern", K::kTerm, -2.0},

    // --- macro ------------------------------------------------------------------------
    {"inflation|prices|cpi|ppi cool|cools|cooled|cooling|ease|eases|eased|easing|slow|slows|slowed|moderate|"
     "moderates|moderated|fall|falls|fell|retreat|retreats",
     K::kTerm, 1.5},
    {"inflation|cpi|ppi accelerate|accelerates|accelerated|heat|heats|hotter|jump|jumps|jumped|surge|surges|"
     "surged|spike|spikes|spiked",
     K::kTerm, -1.5},
    {"rate|rates cut|cuts", K::kTerm, 1.0},
    {"cut|cuts|cutting|lower|lowers|lowering ?interest rate|rates", K::kTerm, 1.2},
    {"rate|rates hike|hikes|increase|increases", K::kTerm, -1.0},
    {"raise|raises|raising|hike|hikes|hiking ?interest rate|rates", K::kTerm, -1.0},
    {"higher for longer", K::kTerm, -1.5},
    {"dovish", K::kTerm, 1.0},
    {"hawkish", K::kTerm, -1.0},
    {"yield|yields fall|falls|fell|drop|drops|dropped|decline|declines|declined|ease|eases|eased|slip|slips|"
     "retreat|retreats",
     K::kTerm, 1.0},
    {"yield|yields rise|rises|rose|surge|surges|surged|jump|jumps|jumped|spike|spikes|spiked|climb|climbs|"
     "climbed|soar|soars|soared",
     K::kTerm, -1.5},
    {"cost|costs|expenses|expense soar|soars|soaring|rise|rises|rising|rose|climb|climbs|climbing|jump|jumps|"
     "surge|surges|spike|spikes|mount|mounts|mounting",
     K::kTerm, -1.5},
    {"higher|rising|soaring|surging|mounting cost|costs|expenses", K::kTerm, -1.5},
    {"cost|costs|expenses fall|falls|ease|eases|decline|declines|drop|drops", K::kTerm, 1.0},
    {"claims jump|jumps|jumped|rise|rises|rose|climb|climbs|surge|surges|spike|spikes", K::kTerm, -1.5},
    {"claims fall|falls|fell|drop|drops|dropped|decline|declines", K::kTerm, 1.0},
    {"unemployment|jobless ?rate rise|rises|rose|jump|jumps|jumped|climb|climbs", K::kTerm, -1.5},
    {"unemployment|jobless ?rate fall|falls|fell|drop|drops|dropped|decline|declines|dips", K::kTerm, 1.5},
    {"recession|recessionary|stagflation|contraction", K::kTerm, -2.0},
    {"price war", K::kTerm, -1.0},
    {"trade down", K::kInert, 0},

    // --- modifiers ----------------------------------------------------------------------
    {"record", K::kIntensifier, 1.5, 1.0},
    {"on record", K::kAdverb, 1.3},
    {"in history", K::kAdverb, 1.3},
    {"ever", K::kAdverb, 1.3},
    {"sharp|steep|deep|deeper|heavy|massive|huge|big|bigger|biggest|major|significant|substantial|far|much|"
     "hefty|severe",
     K::kIntensifier, 1.3},
    {"unexpected|surprise|surprising|abrupt|sudden|shock", K::kIntensifier, 1.3},
    {"sharply|strongly|significantly|substantially|dramatically|steeply|markedly|considerably|unexpectedly|"
     "abruptly|suddenly|surprisingly|again",
     K::kAdverb, 1.3},
    {"slight|modest|small|minor|mild", K::kIntensifier, 0.6},
    {"slightly|modestly|marginally|somewhat|mildly|partly|partially|bit", K::kAdverb, 0.6},

    // --- negation -------------------------------------------------------------------------
    {"not|no|never|nor|neither|without|hardly|barely|lack|lacks", K::kNegator, 0},
    {"no longer", K::kNegator, 0},
    {"fail|fails|failed|failing|unable", K::kNegator, 0, -1.0},
    {"yet to", K::kNegator, 0, -1.0},
    {"avoid|avoids|avoided|avoiding|avert|averts|averted|ease|eases|eased|easing|dismiss|dismisses|dismissed|"
     "dismissal|removes|removing|removed",
     K::kNegator, 0},
    {"rule|rules|ruled out", K::kNegator, 0},

    // --- uncertainty: hedges and neutral statements -------------------------------------
    {"may|might|could|reportedly|rumor|rumors|rumour|rumours|rumored|speculation|considering|considers|mulls|"
     "explores|exploring|potential|possible|possibly|likely",
     K::kHedge, 0.5},
    {"sources|people say|said|familiar", K::kHedge, 0.5},
    {"report|reports says|say|said", K::kHedge, 0.5},
    {"expected to", K::kHedge, 0.5},
    {"unchanged|flat|mixed|steady|routine|regular", K::kNeutraliser, 0.3},
    {"little changed", K::kNeutraliser, 0.3},

    // --- clauses --------------------------------------------------------------------------
    {"as|while|after|amid|following|whereas|when", K::kClause, 0.6},
    {"despite|although|though", K::kClause, 0.3},
    {"even as|though", K::kClause, 0.3},
    {"in spite of", K::kClause, 0.3},
    {"but|however|yet", K::kClause, 1.3},
    {"as well|much|many|long as", K::kInert, 0},
    {"such as", K::kInert, 0},
    {"as part of", K::kInert, 0},
    {"so far", K::kInert, 0},
    {"record date", K::kInert, 0},
    {"ahead of", K::kInert, 0},
});

#undef ST_EXPECTATION
#undef ST_CONSENSUS

}  // namespace

std::span<const Row> rows() { return kRows; }

}  // namespace st::process::lexicon
