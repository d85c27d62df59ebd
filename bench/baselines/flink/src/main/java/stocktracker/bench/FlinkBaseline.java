package stocktracker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;

/**
 * The Flink 2.x baseline of `make bench`: what `stocktracker process` does for
 * candles and the default price-change rule, as a Flink job on a local
 * MiniCluster, over the same stock-prices records.
 *
 * <ul>
 *   <li>watermarks: bounded out-of-orderness 2 s, idleness 60 s (the processor's defaults);
 *   <li>5-minute tumbling event-time windows per symbol, allowed lateness 60 s, late ticks to a
 *       side output: open, high, low, close, volume, VWAP, ticks;
 *   <li>the default rule: a move of at least THRESHOLD % against the previous New York day's
 *       last price, re-armed below 80 % of it or on a new day, a one-hour cool-down;
 *   <li>exactly once: checkpoints every second, Kafka sinks with transactions (read_committed).
 * </ul>
 *
 * <p>Arguments: bootstrap, start offsets and end offsets of stock-prices as
 * "p:o,p:o,...", the output topic prefix, the parallelism. The source is bounded
 * by the end offsets, so the job ends when it has read them; it prints one JSON
 * line with the records, the wall-clock seconds of the job and the CPU-seconds
 * of this JVM.
 */
public final class FlinkBaseline {
  static final double THRESHOLD_PCT = 2.0;
  static final long COOLDOWN_MS = 3_600_000L;
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** A decoded tick: symbol, price, volume, event time. */
  public static final class Tick {
    public String symbol;
    public double price;
    public long volume;
    public long ts;

    public Tick() {}
  }

  /** The running aggregate of one window. */
  public static final class Acc {
    public double open, high, low, close, pv;
    public long openTs = Long.MAX_VALUE, closeTs = Long.MIN_VALUE, volume, ticks;

    public Acc() {}
  }

  static Map<TopicPartition, Long> offsets(String topic, String spec) {
    Map<TopicPartition, Long> m = new HashMap<>();
    for (String part : spec.split(",")) {
      String[] po = part.split(":");
      m.put(new TopicPartition(topic, Integer.parseInt(po[0])), Long.parseLong(po[1]));
    }
    return m;
  }

  public static void main(String[] args) throws Exception {
    final String bootstrap = args[0];
    final Map<TopicPartition, Long> start = offsets("stock-prices", args[1]);
    final Map<TopicPartition, Long> end = offsets("stock-prices", args[2]);
    final String prefix = args[3];
    final int parallelism = Integer.parseInt(args[4]);
    long records = 0;
    for (var e : end.entrySet()) records += e.getValue() - start.getOrDefault(e.getKey(), 0L);

    final String candlesTopic = prefix + "-candles";
    final String alertsTopic = prefix + "-alerts";
    final String lateTopic = prefix + "-late";
    Properties adminProps = new Properties();
    adminProps.put("bootstrap.servers", bootstrap);
    try (AdminClient admin = AdminClient.create(adminProps)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(candlesTopic, 6, (short) 1),
                  new NewTopic(alertsTopic, 6, (short) 1),
                  new NewTopic(lateTopic, 6, (short) 1)))
          .all()
          .get();
    }

    Configuration conf = new Configuration();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    env.enableCheckpointing(1000, CheckpointingMode.EXACTLY_ONCE);

    KafkaSource<String> source =
        KafkaSource.<String>builder()
            .setBootstrapServers(bootstrap)
            .setTopics("stock-prices")
            .setGroupId(prefix)
            .setStartingOffsets(OffsetsInitializer.offsets(start))
            .setBounded(OffsetsInitializer.offsets(end))
            .setValueOnlyDeserializer(new SimpleStringSchema())
            .setProperty("isolation.level", "read_committed")
            .build();

    WatermarkStrategy<Tick> watermarks =
        WatermarkStrategy.<Tick>forBoundedOutOfOrderness(Duration.ofSeconds(2))
            .withTimestampAssigner((t, previous) -> t.ts)
            .withIdleness(Duration.ofSeconds(60));

    DataStream<Tick> ticks =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "stock-prices")
            .map(
                new org.apache.flink.api.common.functions.RichMapFunction<String, Tick>() {
                  private transient ObjectMapper json;

                  @Override
                  public Tick map(String value) throws Exception {
                    if (json == null) json = new ObjectMapper();
                    JsonNode n = json.readTree(value);
                    Tick t = new Tick();
                    t.symbol = n.get("symbol").asText();
                    t.price = n.get("price").asDouble();
                    t.volume = n.get("volume").asLong();
                    t.ts = n.get("ts").asLong();
                    return t;
                  }
                })
            .name("decode")
            .assignTimestampsAndWatermarks(watermarks);

    final OutputTag<Tick> late = new OutputTag<>("late", Types.POJO(Tick.class));
    SingleOutputStreamOperator<String> candles =
        ticks
            .keyBy(t -> t.symbol)
            .window(TumblingEventTimeWindows.of(Duration.ofMinutes(5)))
            .allowedLateness(Duration.ofSeconds(60))
            .sideOutputLateData(late)
            .aggregate(new CandleAgg(), new CandleJson())
            .name("candles-5m");

    DataStream<String> alerts =
        ticks.keyBy(t -> t.symbol).process(new PriceChangeRule()).name("price-change-rule");

    candles.sinkTo(sink(bootstrap, candlesTopic, prefix + "-c")).name("candles sink");
    alerts.sinkTo(sink(bootstrap, alertsTopic, prefix + "-a")).name("alerts sink");
    candles
        .getSideOutput(late)
        .map(t -> t.symbol + "," + t.ts)
        .sinkTo(sink(bootstrap, lateTopic, prefix + "-l"))
        .name("late sink");

    final long t0 = System.nanoTime();
    env.execute("stocktracker-flink-baseline");
    final double wall = (System.nanoTime() - t0) / 1e9;
    final double cpu =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1e9;
    System.out.printf(
        "{\"records\":%d,\"wall_s\":%.3f,\"cpu_s\":%.3f,\"parallelism\":%d}%n",
        records, wall, cpu, parallelism);
  }

  static KafkaSink<String> sink(String bootstrap, String topic, String txPrefix) {
    Properties p = new Properties();
    p.put("transaction.timeout.ms", "60000");
    return KafkaSink.<String>builder()
        .setBootstrapServers(bootstrap)
        .setKafkaProducerConfig(p)
        .setRecordSerializer(
            KafkaRecordSerializationSchema.builder()
                .setTopic(topic)
                .setValueSerializationSchema(new SimpleStringSchema())
                .build())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(txPrefix)
        .build();
  }

  /** Open is the earliest tick by event time, close the latest, as in the processor. */
  public static final class CandleAgg implements AggregateFunction<Tick, Acc, Acc> {
    @Override
    public Acc createAccumulator() {
      return new Acc();
    }

    @Override
    public Acc add(Tick t, Acc a) {
      if (a.ticks == 0) {
        a.high = t.price;
        a.low = t.price;
      }
      if (t.ts < a.openTs) {
        a.openTs = t.ts;
        a.open = t.price;
      }
      if (t.ts >= a.closeTs) {
        a.closeTs = t.ts;
        a.close = t.price;
      }
      a.high = Math.max(a.high, t.price);
      a.low = Math.min(a.low, t.price);
      a.volume += t.volume;
      a.pv += t.price * t.volume;
      a.ticks++;
      return a;
    }

    @Override
    public Acc getResult(Acc a) {
      return a;
    }

    @Override
    public Acc merge(Acc a, Acc b) {
      throw new UnsupportedOperationException("tumbling windows do not merge");
    }
  }

  /** The candle message, as price-candles-5m carries it. */
  public static final class CandleJson extends ProcessWindowFunction<Acc, String, String, TimeWindow> {
    @Override
    public void process(String symbol, Context ctx, Iterable<Acc> accs, Collector<String> out) {
      Acc a = accs.iterator().next();
      boolean fin = ctx.currentWatermark() >= ctx.window().getEnd() + 60_000 - 1;
      out.collect(
          String.format(
              "{\"v\":1,\"symbol\":\"%s\",\"start_ts\":%d,\"end_ts\":%d,\"open\":%s,\"high\":%s,\"low\":%s,"
                  + "\"close\":%s,\"volume\":%d,\"vwap\":%s,\"ticks\":%d,\"final\":%b}",
              symbol, ctx.window().getStart(), ctx.window().getEnd(), a.open, a.high, a.low, a.close,
              a.volume, a.volume > 0 ? Double.toString(a.pv / a.volume) : "null", a.ticks, fin));
    }
  }

  /**
   * The default rule of one user tracking every symbol: keyed state per symbol
   * (last price, previous close, New York day, armed, last fired).
   */
  public static final class PriceChangeRule extends KeyedProcessFunction<String, Tick, String> {
    private transient ValueState<double[]> market;  // last, prevClose, day
    private transient ValueState<Tuple2<Boolean, Long>> rule;  // armed, lastFired

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
      market = getRuntimeContext().getState(new ValueStateDescriptor<>("market", double[].class));
      rule =
          getRuntimeContext()
              .getState(new ValueStateDescriptor<>("rule", Types.TUPLE(Types.BOOLEAN, Types.LONG)));
    }

    @Override
    public void processElement(Tick t, Context ctx, Collector<String> out) throws Exception {
      final long day = Instant.ofEpochMilli(t.ts).atZone(NEW_YORK).toLocalDate().toEpochDay();
      double[] m = market.value();
      Tuple2<Boolean, Long> r = rule.value();
      if (r == null) r = Tuple2.of(true, Long.MIN_VALUE / 2);
      if (m == null) {
        m = new double[] {t.price, t.price, day};
      } else if (day != (long) m[2]) {
        m[1] = m[0];  // the last price of the previous day
        m[2] = day;
        r.f0 = true;  // a new day re-arms
      }
      m[0] = t.price;
      final double change = (t.price - m[1]) / m[1] * 100.0;
      if (r.f0 && Math.abs(change) >= THRESHOLD_PCT && t.ts - r.f1 >= COOLDOWN_MS) {
        out.collect(
            String.format(
                "{\"user_id\":1,\"symbol\":\"%s\",\"price\":%s,\"reference_price\":%s,\"change_pct\":%s,"
                    + "\"event_ts\":%d}",
                t.symbol, t.price, m[1], change, t.ts));
        r.f0 = false;
        r.f1 = t.ts;
      } else if (!r.f0 && Math.abs(change) < THRESHOLD_PCT * 0.8) {
        r.f0 = true;
      }
      market.update(m);
      rule.update(r);
    }
  }
}
