import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IMAP load generator with no dependencies, for bench/imap/run. Plain TCP to a loopback
 * server only (the servers under test allow LOGIN without TLS on loopback for the benchmark).
 *
 * <pre>
 * java Loader.java load --port N --users u1,u2 --password P --clients 20 --seconds 20 --warmup 5
 * java Loader.java prefill --port N --users u1,u2 --password P --messages 200
 * java Loader.java idle --port N --users u1,u2 --password P --connections 1000
 * </pre>
 *
 * load: each client logs in as users[i % users] and repeats one round of what a mail client
 * does: SELECT INBOX, FETCH the newest 20 envelopes and flags, FETCH one whole body, STORE a flag,
 * SEARCH UNSEEN, SEARCH SUBJECT, APPEND a 4 KiB message, mark it \Deleted, UID EXPUNGE it (so the
 * mailbox stays the same size). Every command is one operation; ops/s counts tagged OK answers in
 * the measured phase. Every client signs in once, before the warm-up starts: a mail client keeps
 * its session, and the servers' password checks differ by design (Dovecot's bench users have
 * {PLAIN} passwords, Postern's are Argon2id hashes), so sign-in is timed apart ("login_s"). Source addresses rotate over 127.0.0.1-127.0.0.250 (per-address connection
 * limits). idle: opens and logs in the connections, prints "ready N", then waits for stdin to close.
 *
 * With --server-pid P (and --clk-tck, from getconf CLK_TCK), load also reads the CPU time of P and
 * all its descendants from /proc/PID/stat (utime + stime + cutime + cstime, so processes that exit
 * during the phase still count through their parent) at the start and end of the measured phase, and
 * prints it per operation: a figure less sensitive than ops/s to other work on a shared machine.
 */
public final class Loader {
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS");
    private static final Pattern APPENDUID = Pattern.compile("APPENDUID \\d+ (\\d+)");
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = 0;
        String[] users = null;
        String password = null;
        int clients = 20;
        int seconds = 20;
        int warmup = 5;
        int messages = 200;
        int connections = 1000;
        long serverPid = 0;
        int clkTck = 100;
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--users" -> users = args[i + 1].split(",");
                case "--password" -> password = args[i + 1];
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--server-pid" -> serverPid = Long.parseLong(args[i + 1]);
                case "--clk-tck" -> clkTck = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        switch (mode) {
            case "prefill" -> prefill(port, users, password, messages);
            case "load" -> load(port, users, password, clients, seconds, warmup, serverPid, clkTck);
            case "idle" -> idle(port, users, password, connections);
            default -> throw new IllegalArgumentException("mode is load, prefill or idle");
        }
    }

    /** One IMAP connection, read line by line; literals are read whole. */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        int tags;

        Conn(int port, int n) throws IOException {
            socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (1 + n % 250)), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(120_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 65536);
            out = socket.getOutputStream();
            String greeting = line();
            if (!greeting.startsWith("* OK")) {
                throw new IOException("greeting: " + greeting);
            }
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
            throw new IOException("connection closed");
        }

        /** Sends a command; returns the untagged lines and the tagged one last. */
        List<String> command(String command) throws IOException {
            String tag = "t" + (++tags);
            out.write((tag + " " + command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return until(tag + " ");
        }

        List<String> until(String tag) throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String l = line();
                Matcher m = LITERAL.matcher(l);
                if (m.find()) {
                    in.skipNBytes(Long.parseLong(m.group(1)));
                }
                lines.add(l);
                if (l.startsWith(tag)) {
                    return lines;
                }
            }
        }

        List<String> append(byte[] message) throws IOException {
            String tag = "t" + (++tags);
            out.write((tag + " APPEND INBOX {" + message.length + "}\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String go = line();
            if (!go.startsWith("+")) {
                throw new IOException("APPEND refused: " + go);
            }
            out.write(message);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return until(tag + " ");
        }

        void login(String user, String password) throws IOException {
            ok(command("LOGIN " + user + " \"" + password + "\""), "LOGIN");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String ok(List<String> lines, String what) throws IOException {
        String last = lines.getLast();
        if (!last.matches("^\\S+ OK.*")) {
            throw new IOException(what + ": " + last);
        }
        return last;
    }

    static byte[] message(String user, int n, Random random) {
        StringBuilder b = new StringBuilder();
        b.append("From: Bench Sender <bench@sender.example>\r\nTo: ").append(user).append("\r\nSubject: bench message ")
                .append(n).append("\r\nMessage-ID: <").append(n).append('.').append(random.nextLong() & Long.MAX_VALUE)
                .append("@sender.example>\r\nDate: Mon, 2 Jan 2023 10:00:00 +0000\r\nMIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        while (b.length() < 4096 - 80) {
            b.append("The quick brown fox jumps over the lazy dog, message ").append(n).append(".\r\n");
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static void prefill(int port, String[] users, String password, int messages) throws Exception {
        List<Thread> threads = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        for (int u = 0; u < users.length; u++) {
            String user = users[u];
            int n = u;
            threads.add(Thread.ofPlatform().start(() -> {
                try (Conn c = new Conn(port, n)) {
                    c.login(user, password);
                    Random random = new Random(n);
                    for (int i = 0; i < messages; i++) {
                        ok(c.append(message(user, i, random)), "APPEND");
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                    System.err.println("prefill " + user + ": " + e.getMessage());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (errors.get() > 0) {
            System.exit(1);
        }
        System.out.println("prefilled " + users.length + " x " + messages);
    }

    static void load(int port, String[] users, String password, int clients, int seconds, int warmup, long serverPid,
            int clkTck) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch signedIn = new CountDownLatch(clients);
        long loginStart = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            int n = i;
            threads.add(Thread.ofPlatform().start(() -> {
                String user = users[n % users.length];
                Random random = new Random(n * 31L + 7);
                boolean counted = false;
                try (Conn c = new Conn(port, n)) {
                    try {
                        c.login(user, password);
                    } finally {
                        signedIn.countDown();
                        counted = true;
                    }
                    int round = 0;
                    while (!stop.get()) {
                        round++;
                        int done = round(c, user, random, round * 1000 + n);
                        if (measuring.get()) {
                            ops.addAndGet(done);
                        }
                    }
                    c.command("LOGOUT");
                } catch (IOException e) {
                    errors.incrementAndGet();
                    System.err.println("client " + n + ": " + e.getMessage());
                } finally {
                    if (!counted) {
                        signedIn.countDown(); // failed before signing in: the others are not held back
                    }
                }
            }));
        }
        signedIn.await();
        double loginSeconds = (System.nanoTime() - loginStart) / 1e9;
        Thread.sleep(warmup * 1000L);
        long cpuStart = serverPid > 0 ? cpuTicks(serverPid) : 0;
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        long cpuTicks = serverPid > 0 ? cpuTicks(serverPid) - cpuStart : 0;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double perSecond = ops.get() / (elapsed / 1e9);
        double cpuSeconds = cpuTicks / (double) clkTck;
        System.out.printf("clients=%d login_s=%.1f ops=%d seconds=%.1f ops_per_s=%.0f client_errors=%d server_cpu_s=%.1f"
                + " server_cpu_ms_per_op=%.2f%n", clients, loginSeconds, ops.get(), elapsed / 1e9, perSecond, errors.get(),
                cpuSeconds, ops.get() == 0 ? 0.0 : cpuSeconds * 1000 / ops.get());
    }

    /** CPU clock ticks used so far by a process and its descendants (0 for those that vanish meanwhile). */
    static long cpuTicks(long root) throws IOException {
        Map<Long, Long> parent = new HashMap<>();
        Map<Long, Long> ticks = new HashMap<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(dir.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                // after the command name in parentheses: state ppid ... utime(14) stime(15) cutime(16) cstime(17)
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long pid = Long.parseLong(name);
                parent.put(pid, Long.parseLong(f[1]));
                ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]));
            }
        }
        Set<Long> tree = new HashSet<>();
        tree.add(root);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (var e : parent.entrySet()) {
                if (!tree.contains(e.getKey()) && tree.contains(e.getValue())) {
                    tree.add(e.getKey());
                    grew = true;
                }
            }
        }
        long sum = 0;
        for (long pid : tree) {
            sum += ticks.getOrDefault(pid, 0L);
        }
        return sum;
    }

    /** One round of a mail client's work; returns the number of commands answered OK. */
    static int round(Conn c, String user, Random random, int n) throws IOException {
        int done = 0;
        int exists = 0;
        for (String l : c.command("SELECT INBOX")) {
            Matcher m = EXISTS.matcher(l);
            if (m.find()) {
                exists = Integer.parseInt(m.group(1));
            }
        }
        done++;
        if (exists == 0) {
            throw new IOException("empty INBOX: prefill first");
        }
        ok(c.command("FETCH " + Math.max(1, exists - 19) + ":* (UID FLAGS RFC822.SIZE ENVELOPE)"), "FETCH envelopes");
        done++;
        int pick = 1 + random.nextInt(exists);
        ok(c.command("FETCH " + pick + " BODY.PEEK[]"), "FETCH body");
        done++;
        ok(c.command("STORE " + (1 + random.nextInt(exists)) + (random.nextBoolean() ? " +" : " -") + "FLAGS.SILENT (\\Seen)"),
                "STORE");
        done++;
        ok(c.command("SEARCH UNSEEN"), "SEARCH UNSEEN");
        done++;
        ok(c.command("SEARCH SUBJECT \"message " + random.nextInt(200) + "\""), "SEARCH SUBJECT");
        done++;
        String appended = ok(c.append(message(user, n, random)), "APPEND");
        done++;
        Matcher uid = APPENDUID.matcher(appended);
        if (!uid.find()) {
            throw new IOException("no APPENDUID: " + appended);
        }
        ok(c.command("UID STORE " + uid.group(1) + " +FLAGS.SILENT (\\Deleted)"), "STORE \\Deleted");
        done++;
        ok(c.command("UID EXPUNGE " + uid.group(1)), "UID EXPUNGE");
        done++;
        return done;
    }

    static void idle(int port, String[] users, String password, int connections) throws Exception {
        List<Conn> open = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < connections; i++) {
            try {
                Conn c = new Conn(port, i);
                c.login(users[i % users.length], password);
                open.add(c);
            } catch (IOException e) {
                failed++;
                if (failed == 1) {
                    System.err.println("idle connection " + i + ": " + e.getMessage());
                }
                if (failed > 20) {
                    break;
                }
            }
        }
        System.out.println("ready " + open.size() + " failed " + failed);
        System.out.flush();
        System.in.read(); // the caller measures, then closes stdin
        for (Conn c : open) {
            c.close();
        }
    }
}
