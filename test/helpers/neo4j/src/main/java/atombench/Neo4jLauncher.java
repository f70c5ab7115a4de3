package atombench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * A Neo4j Community server for the integration tests (test/helpers/neo4j.ts): the embedded DBMS with
 * only the Bolt connector, on 127.0.0.1, auth on, small memory so it starts quickly on 2 cores.
 *
 * <p>Args: {@code --port N} (0 or absent: a free loopback port chosen here before the start, so a
 * restart can reuse it), {@code --data-dir DIR} (the Neo4j home; a temp dir removed at exit if
 * absent), {@code --password P} (the neo4j user's; Neo4j wants 8 characters at least).
 *
 * <p>Stdout carries exactly one line, {@code NEO4J READY bolt://127.0.0.1:<port>}, once Bolt accepts
 * connections with the password set; everything else goes to stderr (the user log) or to
 * DIR/logs/debug.log. It shuts the DBMS down cleanly when its stdin reaches EOF (so it never outlives
 * the test process that holds the pipe) and on SIGTERM/SIGINT.
 */
public final class Neo4jLauncher {
    private static final String HOST = "127.0.0.1";
    private static final int MIN_PASSWORD_LENGTH = 8;
    private static boolean stopped;

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        System.setOut(System.err); // nothing but the READY line may reach our stdout
        try {
            run(args, stdout);
        } catch (Throwable e) {
            // Neo4j's threads are not daemons: without the exit a failed start would hang the test.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args, PrintStream stdout) throws Exception {

        int port = 0;
        Path home = null;
        String password = "atombench-neo4j";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(need(args[i], value));
                case "--data-dir" -> home = Path.of(need(args[i], value));
                case "--password" -> password = need(args[i], value);
                default -> fail("unknown argument " + args[i] + " (expected --port, --data-dir, --password)");
            }
            i++;
        }
        if (password.length() < MIN_PASSWORD_LENGTH || password.equals("neo4j"))
            fail("--password must have " + MIN_PASSWORD_LENGTH + " characters at least and not be \"neo4j\"");
        if (port == 0) port = freeLoopbackPort();
        boolean tempHome = home == null;
        if (tempHome) home = Files.createTempDirectory("atombench-neo4j-");
        Files.createDirectories(home);

        Log4jLogProvider userLog = new Log4jLogProvider(System.err, Level.INFO);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(userLog)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(1))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Netty's graceful stop otherwise waits a 5 s quiet period on every stop and restart.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();

        Path removeAtExit = tempHome ? home : null;
        Thread stopper = new Thread(() -> stop(dbms, userLog, removeAtExit), "atombench-neo4j-stop");
        Runtime.getRuntime().addShutdownHook(stopper);

        setInitialPassword(dbms, password);
        awaitListening(port);
        stdout.println("NEO4J READY bolt://" + HOST + ":" + port);
        stdout.flush();

        Thread watcher = new Thread(() -> {
            drain(System.in);
            // Stop here rather than in the hook, where other hooks (log4j's) run at the same time.
            stop(dbms, userLog, removeAtExit);
            System.exit(0);
        }, "atombench-neo4j-stdin");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Embedded transactions run with full rights, so the system database takes the change that a Bolt
     * client would first be forced to make (neo4j/neo4j, change required). Like neo4j-admin's
     * set-initial-password it applies once: a reused data dir keeps the password it has (ALTER USER
     * refuses to set the same password again).
     */
    private static void setInitialPassword(DatabaseManagementService dbms, String password) {
        var system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        boolean changeRequired = system.executeTransactionally(
                "SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' RETURN passwordChangeRequired",
                Map.of(),
                r -> r.hasNext() && Boolean.TRUE.equals(r.next().get("passwordChangeRequired")));
        if (changeRequired)
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        else System.err.println("Neo4jLauncher: reused data dir, the neo4j user keeps the password it has");
    }

    private static synchronized void stop(DatabaseManagementService dbms, Log4jLogProvider log, Path remove) {
        if (stopped) return;
        stopped = true;
        long t0 = System.nanoTime();
        try {
            dbms.shutdown();
        } catch (RuntimeException e) {
            e.printStackTrace();
        }
        System.err.printf("Neo4jLauncher: shut down in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        log.close();
        if (remove != null) deleteTree(remove);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    /** Bolt is up when build() returns; this is the check that the port really answers. */
    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) fail("Bolt does not accept connections on port " + port + ": " + e);
                Thread.sleep(50);
            }
        }
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // discard: only EOF matters
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone, same as EOF
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + root + ": " + e);
        }
    }

    private static String need(String flag, String value) {
        if (value == null) fail(flag + " needs a value");
        return value;
    }

    private static void fail(String message) {
        System.err.println("Neo4jLauncher: " + message);
        System.exit(2);
    }
}
