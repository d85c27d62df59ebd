-- 0003_seed_companies: the companies a fresh installation knows.
--
-- The 30 components of the Dow Jones Industrial Average (as of 2025, after
-- NVDA and SHW replaced INTC and DOW in November 2024) and 20 other large,
-- well-known US companies. Sector and industry are GICS names (the 2023
-- structure: Visa and PayPal in Financials, Uber in Industrials, Amazon in
-- Broadline Retail). Exchange is the primary listing; Walmart moved its
-- listing from the NYSE to Nasdaq in December 2025.
--
-- ON CONFLICT DO NOTHING: a company already present (added by ingest, or
-- edited by an operator) is left as it is.

INSERT INTO companies (symbol, name, sector, industry, exchange, currency) VALUES
    -- Dow Jones Industrial Average components
    ('AAPL', 'Apple Inc.',                                  'Information Technology', 'Technology Hardware, Storage & Peripherals', 'NASDAQ', 'USD'),
    ('AMGN', 'Amgen Inc.',                                  'Health Care',            'Biotechnology',                              'NASDAQ', 'USD'),
    ('AMZN', 'Amazon.com, Inc.',                            'Consumer Discretionary', 'Broadline Retail',                           'NASDAQ', 'USD'),
    ('AXP',  'American Express Company',                    'Financials',             'Consumer Finance',                           'NYSE',   'USD'),
    ('BA',   'The Boeing Company',                          'Industrials',            'Aerospace & Defense',                        'NYSE',   'USD'),
    ('CAT',  'Caterpillar Inc.',                            'Industrials',            'Machinery',                                  'NYSE',   'USD'),
    ('CRM',  'Salesforce, Inc.',                            'Information Technology', 'Software',                                   'NYSE',   'USD'),
    ('CSCO', 'Cisco Systems, Inc.',                         'Information Technology', 'Communications Equipment',                   'NASDAQ', 'USD'),
    ('CVX',  'Chevron Corporation',                         'Energy',                 'Oil, Gas & Consumable Fuels',                'NYSE',   'USD'),
    ('DIS',  'The Walt Disney Company',                     'Communication Services', 'Entertainment',                              'NYSE',   'USD'),
    ('GS',   'The Goldman Sachs Group, Inc.',               'Financials',             'Capital Markets',                            'NYSE',   'USD'),
    ('HD',   'The Home Depot, Inc.',                        'Consumer Discretionary', 'Specialty Retail',                           'NYSE',   'USD'),
    ('HON',  'Honeywell International Inc.',                'Industrials',            'Industrial Conglomerates',                   'NASDAQ', 'USD'),
    ('IBM',  'International Business Machines Corporation', 'Information Technology', 'IT Services',                                'NYSE',   'USD'),
    ('JNJ',  'Johnson & Johnson',                           'Health Care',            'Pharmaceuticals',                            'NYSE',   'USD'),
    ('JPM',  'JPMorgan Chase & Co.',                        'Financials',             'Banks',                                      'NYSE',   'USD'),
    ('KO',   'The Coca-Cola Company',                       'Consumer Staples',       'Beverages',                                  'NYSE',   'USD'),
    ('MCD',  'McDonald''s Corporation',                     'Consumer Discretionary', 'Hotels, Restaurants & Leisure',              'NYSE',   'USD'),
    ('MMM',  '3M Company',                                  'Industrials',            'Industrial Conglomerates',                   'NYSE',   'USD'),
    ('MRK',  'Merck & Co., Inc.',                           'Health Care',            'Pharmaceuticals',                            'NYSE',   'USD'),
    ('MSFT', 'Microsoft Corporation',                       'Information Technology', 'Software',                                   'NASDAQ', 'USD'),
    ('NKE',  'NIKE, Inc.',                                  'Consumer Discretionary', 'Textiles, Apparel & Luxury Goods',           'NYSE',   'USD'),
    ('NVDA', 'NVIDIA Corporation',                          'Information Technology', 'Semiconductors & Semiconductor Equipment',   'NASDAQ', 'USD'),
    ('PG',   'The Procter & Gamble Company',                'Consumer Staples',       'Household Products',                         'NYSE',   'USD'),
    ('SHW',  'The Sherwin-Williams Company',                'Materials',              'Chemicals',                                  'NYSE',   'USD'),
    ('TRV',  'The Travelers Companies, Inc.',               'Financials',             'Insurance',                                  'NYSE',   'USD'),
    ('UNH',  'UnitedHealth Group Incorporated',             'Health Care',            'Health Care Providers & Services',           'NYSE',   'USD'),
    ('V',    'Visa Inc.',                                   'Financials',             'Financial Services',                         'NYSE',   'USD'),
    ('VZ',   'Verizon Communications Inc.',                 'Communication Services', 'Diversified Telecommunication Services',     'NYSE',   'USD'),
    ('WMT',  'Walmart Inc.',                                'Consumer Staples',       'Consumer Staples Distribution & Retail',     'NASDAQ', 'USD'),
    -- Other large US companies
    ('GOOGL', 'Alphabet Inc.',                              'Communication Services', 'Interactive Media & Services',               'NASDAQ', 'USD'),
    ('META',  'Meta Platforms, Inc.',                       'Communication Services', 'Interactive Media & Services',               'NASDAQ', 'USD'),
    ('TSLA',  'Tesla, Inc.',                                'Consumer Discretionary', 'Automobiles',                                'NASDAQ', 'USD'),
    ('NFLX',  'Netflix, Inc.',                              'Communication Services', 'Entertainment',                              'NASDAQ', 'USD'),
    ('AMD',   'Advanced Micro Devices, Inc.',               'Information Technology', 'Semiconductors & Semiconductor Equipment',   'NASDAQ', 'USD'),
    ('INTC',  'Intel Corporation',                          'Information Technology', 'Semiconductors & Semiconductor Equipment',   'NASDAQ', 'USD'),
    ('ORCL',  'Oracle Corporation',                         'Information Technology', 'Software',                                   'NYSE',   'USD'),
    ('ADBE',  'Adobe Inc.',                                 'Information Technology', 'Software',                                   'NASDAQ', 'USD'),
    ('PEP',   'PepsiCo, Inc.',                              'Consumer Staples',       'Beverages',                                  'NASDAQ', 'USD'),
    ('COST',  'Costco Wholesale Corporation',               'Consumer Staples',       'Consumer Staples Distribution & Retail',     'NASDAQ', 'USD'),
    ('XOM',   'Exxon Mobil Corporation',                    'Energy',                 'Oil, Gas & Consumable Fuels',                'NYSE',   'USD'),
    ('BAC',   'Bank of America Corporation',                'Financials',             'Banks',                                      'NYSE',   'USD'),
    ('WFC',   'Wells Fargo & Company',                      'Financials',             'Banks',                                      'NYSE',   'USD'),
    ('PFE',   'Pfizer Inc.',                                'Health Care',            'Pharmaceuticals',                            'NYSE',   'USD'),
    ('T',     'AT&T Inc.',                                  'Communication Services', 'Diversified Telecommunication Services',     'NYSE',   'USD'),
    ('QCOM',  'QUALCOMM Incorporated',                      'Information Technology', 'Semiconductors & Semiconductor Equipment',   'NASDAQ', 'USD'),
    ('AVGO',  'Broadcom Inc.',                              'Information Technology', 'Semiconductors & Semiconductor Equipment',   'NASDAQ', 'USD'),
    ('SBUX',  'Starbucks Corporation',                      'Consumer Discretionary', 'Hotels, Restaurants & Leisure',              'NASDAQ', 'USD'),
    ('UBER',  'Uber Technologies, Inc.',                    'Industrials',            'Ground Transportation',                      'NYSE',   'USD'),
    ('PYPL',  'PayPal Holdings, Inc.',                      'Financials',             'Financial Services',                         'NASDAQ', 'USD')
ON CONFLICT (symbol) DO NOTHING;
