package io.loomchat.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loomchat bench}: runs the workloads against Loomchat and its peers, each case on a fresh server
 * process, several times, and prints the median and range of every figure (and writes them as JSON).
 */
@Command(name = "loomchat-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fan-out, connection-scale and chat-room benchmarks of Loomchat, ncat --chat and nats-server "
                + "on loopback. Install the peers with: apt-get install ncat nats-server")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--peers", split = ",", description = "loomchat, cluster (two Loomchat nodes on one nats-server "
            + "with JetStream, clients spread over both), ncat, nats (default: loomchat, ncat and nats, those installed)")
    List<String> peers = List.of("loomchat", "ncat", "nats");

    @Option(names = "--workloads", split = ",",
            description = "fanout, rates, slow, scale, chatroom, chatroom-web (the chat room with half its clients "
                    + "on the web client's WebSocket, Loomchat only, beside the all-TCP figure) (default: ${DEFAULT-VALUE})")
    List<String> workloads = List.of("fanout", "rates", "slow", "scale", "chatroom");

    @Option(names = "--runs", description = "Runs per case; figures are medians (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--receivers", split = ",", description = "Fan-out receivers (default: ${DEFAULT-VALUE}).")
    List<Integer> receivers = List.of(10, 100, 1000);

    @Option(names = "--deliveries", description = "Fan-out deliveries per run, spread over the receivers "
            + "(default: ${DEFAULT-VALUE}).")
    int deliveries = 1_000_000;

    @Option(names = "--warmup-deliveries", description = "Before each measured run, a fan-out of this many "
            + "deliveries to 10 receivers on the same fresh server, unmeasured: a server runs for days, so its "
            + "steady state is compiled code, not the JIT's first seconds (the scale workload always starts "
            + "cold: a warm-up would grow the heap and hide what connections cost). 0 measures a cold server "
            + "(default: ${DEFAULT-VALUE}).")
    int warmupDeliveries = 2_000_000;

    @Option(names = "--rates", split = ",", description = "Fixed send rates, msgs/s, to 100 receivers "
            + "(default: ${DEFAULT-VALUE}; 100 msg/s is 10,000 deliveries/s).")
    List<Integer> rates = List.of(100, 1_000, 10_000);

    @Option(names = "--rate-seconds", description = "Duration of each fixed-rate run (default: ${DEFAULT-VALUE}).")
    int rateSeconds = 3;

    @Option(names = "--connections", split = ",", description = "Idle connections to hold (default: ${DEFAULT-VALUE}).")
    List<Integer> connections = List.of(1_000, 10_000);

    @Option(names = "--chat-clients", description = "Chat-room clients (default: ${DEFAULT-VALUE}).")
    int chatClients = 200;

    @Option(names = "--chat-seconds", description = "Chat-room duration (default: ${DEFAULT-VALUE}).")
    int chatSeconds = 10;

    @Option(names = "--soak-seconds", description = "Soak duration (default: ${DEFAULT-VALUE}).")
    int soakSeconds = 120;

    @Option(names = "--soak-people", description = "Well-behaved soak clients (default: ${DEFAULT-VALUE}).")
    int soakPeople = 500;

    @Option(names = "--server-jar", description = "Loomchat server jar (default: ${DEFAULT-VALUE}).")
    Path serverJar = Path.of("server/target/loomchat-server.jar");

    @Option(names = "--server-jvm-option", paramLabel = "OPTION",
            description = "A JVM option for the Loomchat server, e.g. -XX:StartFlightRecording=...; repeatable.")
    List<String> serverJvmOptions = new ArrayList<>();

    @Option(names = "--server-option", paramLabel = "OPTION",
            description = "An extra Loomchat server option, e.g. --server-option=--data-dir=/tmp/journal; repeatable.")
    List<String> serverOptions = new ArrayList<>();

    @Option(names = "--json", description = "Where to write the results (default: ${DEFAULT-VALUE}).")
    Path json = Path.of("bench/target/bench-results.json");

    @Option(names = "--jmh", arity = "0..1", fallbackValue = ".*", paramLabel = "REGEX",
            description = "Run the JMH micro-benchmarks (codec, outbox) matching REGEX instead of the workloads.")
    String jmh;

    @Option(names = "--markdown", paramLabel = "RESULTS_JSON",
            description = "Print the Markdown tables for a results file (as in docs/BENCHMARKS.md) and exit.")
    Path markdown;

    private final Map<String, Object> report = new LinkedHashMap<>();
    private final List<Map<String, Object>> cases = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (markdown != null) {
            System.out.print(MarkdownReport.render(markdown));
            return 0;
        }
        if (jmh != null) {
            // One fork, short warm-up and measurement: enough to see a regression, done in about a minute.
            org.openjdk.jmh.Main.main(new String[] {jmh, "-f", "1", "-wi", "5", "-w", "1s", "-i", "5", "-r", "1s"});
            return 0;
        }
        List<Peer> chosen = new ArrayList<>();
        for (String name : peers) {
            Peer peer = Peer.parse(name);
            if (peer.installed(serverJar)) {
                chosen.add(peer);
            } else {
                System.out.printf("skipping %s: not installed (apt-get install ncat nats-server; ./loomchat build)%n",
                        peer.label);
            }
        }
        report.put("started", Instant.now().toString());
        report.put("machine", Machine.describe());
        report.put("runs", runs);
        System.out.println(Machine.describe());
        report.put("warmup_deliveries", warmupDeliveries);
        System.out.println("Every figure: median of " + runs + " runs [min-max], the peers taking turns; each run on a "
                + "fresh server" + (warmupDeliveries > 0 ? " warmed up by an unmeasured fan-out of "
                + String.format("%,d", warmupDeliveries) + " deliveries" : " (cold: no warm-up)")
                + ". Server and load generator share this machine's cores.");
        for (String workload : workloads) {
            switch (workload) {
                case "fanout" -> {
                    section("Fan-out, open loop at full speed: one sender, S receivers, ~100-byte messages");
                    for (int s : receivers) {
                        int messages = Math.max(1_000, deliveries / s);
                        FanOutWorkload.Setup setup = new FanOutWorkload.Setup(s, messages, 0, Math.min(2_000, messages / 2), 0);
                        measure("fanout", chosen, "S=" + s + " msgs=" + messages, server -> FanOutWorkload.run(server, setup), true);
                    }
                }
                case "rates" -> {
                    section("Fan-out at fixed rates to 100 receivers: latency below saturation");
                    for (int rate : rates) {
                        FanOutWorkload.Setup setup = new FanOutWorkload.Setup(100, Math.max(300, rate * rateSeconds), rate,
                                Math.min(1_000, rate), 0);
                        measure("rates", chosen, rate + " msg/s", server -> FanOutWorkload.run(server, setup), true);
                    }
                }
                case "slow" -> {
                    section("Fan-out to 100 receivers while one more receiver has stopped reading");
                    int messages = Math.max(1_000, deliveries / 100);
                    FanOutWorkload.Setup setup = new FanOutWorkload.Setup(100, messages, 0, Math.min(2_000, messages / 2), 1);
                    measure("slow", chosen, "S=100+1 stuck", server -> FanOutWorkload.run(server, setup), true);
                }
                case "scale" -> {
                    section("Connection scale: N idle clients in one room, then one message to all");
                    for (int n : connections) {
                        // Cold on purpose: a warm-up grows the heap first and would hide what connections cost in RSS.
                        measure("scale", chosen, "N=" + n, server -> Scale.run(server, n), false);
                    }
                }
                case "chatroom" -> {
                    section("Chat room: " + chatClients + " clients at a human rate (a line per ~2 s), 5 bursty "
                            + "(10 lines per ~5 s), everyone receives everything, " + chatSeconds + " s");
                    ChatRoomWorkload.Setup setup = new ChatRoomWorkload.Setup(chatClients, 5, chatSeconds);
                    measure("chatroom", chosen, "C=" + chatClients, server -> ChatRoomWorkload.run(server, setup), true);
                }
                case "chatroom-web" -> {
                    section("Chat room as above, half of the " + chatClients + " clients over the web client's WebSocket "
                            + "(JDK WebSocket client), beside the same room all over TCP; Loomchat only");
                    List<Peer> loomchat = chosen.stream().filter(p -> p == Peer.LOOMCHAT).toList();
                    ChatRoomWorkload.Setup tcp = new ChatRoomWorkload.Setup(chatClients, 5, chatSeconds, false);
                    ChatRoomWorkload.Setup web = new ChatRoomWorkload.Setup(chatClients, 5, chatSeconds, true);
                    measure("chatroom-web", loomchat, "C=" + chatClients + " all TCP", server -> ChatRoomWorkload.run(server, tcp), true);
                    measure("chatroom-web", loomchat, "C=" + chatClients + " half web", server -> ChatRoomWorkload.run(server, web), true, true);
                }
                case "soak" -> {
                    section("Soak: " + soakPeople + " people (a line per ~5 s each) for " + soakSeconds + " s, with "
                            + "10 flooders, 5 garbage senders and 5 readers that stop, reconnecting whenever cut off; "
                            + "Loomchat with its default limits");
                    Map<String, String> counters = new LinkedHashMap<>();
                    Soak.Setup setup = new Soak.Setup(soakPeople, 10, 5, 5, soakSeconds);
                    Map<String, Double> result = Soak.run(serverJar, setup, counters);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("workload", "soak");
                    row.put("peer", Peer.LOOMCHAT.label);
                    row.put("case", "people=" + soakPeople + " " + soakSeconds + "s");
                    row.put("figures", Stats.summarize(List.of(result)));
                    row.put("counters", counters);
                    row.put("failures", List.of());
                    cases.add(row);
                    System.out.printf("%-12s %s%n", "loomchat", Stats.format(Stats.summarize(List.of(result))));
                    counters.forEach((k, v) -> System.out.printf("    %s %s%n", k, v));
                }
                default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown workload " + workload);
            }
        }
        report.put("cases", cases);
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        System.out.println("\nResults written to " + json + " (Markdown tables: ./loomchat bench --markdown " + json + ")");
        return 0;
    }

    interface Workload {
        Map<String, Double> run(ServerProcess server) throws Exception;
    }

    private void section(String title) {
        System.out.println();
        System.out.println("## " + title);
    }

    /**
     * Runs one case {@link #runs} times per peer on fresh servers, the peers taking turns run by run (so a
     * drift of the machine over time hits every peer alike), and prints one row of medians per peer.
     */
    private void measure(String workload, List<Peer> peers, String label, Workload body, boolean warm) throws Exception {
        measure(workload, peers, label, body, warm, false);
    }

    /** As above; {@code web}: Loomchat also serves its web client, on a free port of each run's own. */
    private void measure(String workload, List<Peer> peers, String label, Workload body, boolean warm, boolean web)
            throws Exception {
        Map<Peer, List<Map<String, Double>>> results = new LinkedHashMap<>();
        Map<Peer, List<String>> failures = new LinkedHashMap<>();
        for (Peer peer : peers) {
            results.put(peer, new ArrayList<>());
            failures.put(peer, new ArrayList<>());
        }
        for (int run = 0; run < runs; run++) {
            for (Peer peer : peers) {
                List<String> loomchatArgs = new ArrayList<>(List.of("--flood-lines-per-second", "0"));
                loomchatArgs.addAll(serverOptions);
                if (web) {
                    loomchatArgs.addAll(List.of("--web-port", String.valueOf(ServerProcess.freePort())));
                }
                try (ServerProcess server = ServerProcess.start(peer, serverJar, serverJvmOptions, loomchatArgs)) {
                    if (warm) {
                        warmUp(server);
                    }
                    results.get(peer).add(body.run(server));
                } catch (Exception e) {
                    failures.get(peer).add(e.toString());
                }
            }
        }
        for (Peer peer : peers) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workload", workload);
            row.put("peer", peer.label);
            row.put("case", label);
            Map<String, Map<String, Double>> figures = Stats.summarize(results.get(peer));
            row.put("figures", figures);
            row.put("failures", failures.get(peer));
            cases.add(row);
            List<String> failed = failures.get(peer);
            System.out.printf("%-12s %-16s %s%s%n", peer.label, label, Stats.format(figures),
                    failed.isEmpty() ? "" : "  FAILED " + failed.size() + "x: " + failed.get(0));
        }
    }

    /** The unmeasured warm-up fan-out (same for every peer), with nicks of its own. */
    private void warmUp(ServerProcess server) throws Exception {
        if (warmupDeliveries <= 0) {
            return;
        }
        int messages = Math.max(1, warmupDeliveries / 10);
        Map<String, Double> warm = FanOutWorkload.run(server,
                new FanOutWorkload.Setup(10, messages, 0, 0, 0, "warm-"));
        // ncat garbles a few lines of any fast fan-out (its prefix lands mid-line, see BENCHMARKS.md): that is
        // its figure, counted in the measured run; a warm-up that loses lines on a framing peer is broken.
        if (warm.get("lost") > 0 && server.peer != Peer.NCAT) {
            throw new IllegalStateException("the warm-up lost " + warm.get("lost").longValue() + " deliveries");
        }
    }
}
