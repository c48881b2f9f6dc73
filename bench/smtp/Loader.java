// SMTP load generator for bench/smtp/run. Single-file source, no dependencies: `java Loader.java ...`.
//
// Opens N connections to an SMTP server on the loopback interface, and sends a fixed number of
// messages through them, the way a sending MTA does: one EHLO per connection, then one mail
// transaction after another on it (MAIL FROM, RCPT TO, DATA; pipelined when the server offers
// PIPELINING, as Postfix's own client does). The latency of a message is the time from writing MAIL
// FROM to reading the reply after the end-of-data dot. Only 127.0.0.1 and ::1 are ever connected
// to; the run stops by itself after the message count or the hard time limit, whichever is first.
//
// Output: a human summary on standard error, and one machine-readable line on standard output:
//   RESULT ok=N errors=N seconds=S rate=R p50_ms=X p99_ms=Y max_ms=Z warmup_ok=N start_ms=EPOCH
//          loader_cpu_ms_per_msg=C codes=250:N,DATA:451:N,io:N,...
// (ok counts 250 replies after the final dot; errors counts every other outcome of a claimed message:
// a refusal at any step, a broken connection, or a message never sent before the time limit.)
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public final class Loader {
    static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ROOT);

    // Settings (see usage()).
    static String host = "127.0.0.1";
    static int port;
    static int messages = 5000;
    static int concurrency = 20;
    static int sizeBytes = 10 * 1024;
    static int warmup = 0;
    static int timeoutSeconds = 300;
    static int socketTimeoutSeconds = 60;
    static String helo = "client.sender.example";
    static String from = "bench@sender.example";
    static String to;
    static String label = "";
    static boolean pipelining = true;
    static int pauseAfterWarmupSeconds = 0;
    static String startFile;

    // Shared state of one phase.
    static final AtomicInteger next = new AtomicInteger();
    static int phaseMessages;
    static long[] latencies;
    static final AtomicInteger samples = new AtomicInteger();
    static final AtomicInteger ok = new AtomicInteger();
    static final AtomicInteger errors = new AtomicInteger();
    static final Map<String, AtomicInteger> codes = new ConcurrentHashMap<>();
    static final List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
    static volatile boolean stopping;
    static final AtomicLong sequence = new AtomicLong();
    static String runId;

    public static void main(String[] args) throws Exception {
        parse(args);
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            die("refusing to connect to " + host + ": the loader only targets the loopback interface");
        }
        if (to == null || port <= 0 || port > 65535) {
            usage();
        }
        runId = Long.toString(System.currentTimeMillis(), 36);
        long hardDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        // A watchdog ends the process however the workers are stuck.
        Thread watchdog = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(timeoutSeconds) + 15_000);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("loader: hard timeout, exiting");
            System.out.println("RESULT ok=0 errors=" + messages + " seconds=" + timeoutSeconds
                    + " rate=0 p50_ms=0 p99_ms=0 max_ms=0 warmup_ok=0 start_ms=0 loader_cpu_ms_per_msg=0 codes=timeout:"
                    + messages);
            System.out.flush();
            Runtime.getRuntime().halt(3);
        });

        if (warmup > 0) {
            System.err.printf("loader%s: warm-up, %d messages over %d connections%n", label, warmup, concurrency);
            Phase w = runPhase(address, warmup, hardDeadline);
            System.err.printf(Locale.ROOT, "loader%s: warm-up done: %d ok, %d errors in %.2f s (%.1f msgs/s)%n", label,
                    w.ok, w.errors, w.seconds, w.seconds > 0 ? w.ok / w.seconds : 0);
            warmupOk = w.ok;
            if (pauseAfterWarmupSeconds > 0) {
                Thread.sleep(pauseAfterWarmupSeconds * 1000L);
            }
        }
        System.err.printf("loader%s: %d messages of %d bytes over %d connections to %s:%d%n", label, messages,
                sizeBytes, concurrency, host, port);
        if (startFile != null) {
            // Tells a watching script that the measured phase begins now.
            java.nio.file.Files.writeString(java.nio.file.Path.of(startFile), "start\n");
        }
        long startMillis = System.currentTimeMillis();
        long cpu0 = processCpuNanos();
        Phase p = runPhase(address, messages, hardDeadline);
        long cpu1 = processCpuNanos();
        watchdog.interrupt();
        double loaderCpuMs = p.ok > 0 && cpu0 >= 0 ? (cpu1 - cpu0) / 1e6 / p.ok : -1;

        long[] sorted = Arrays.copyOf(p.latencies, p.samples);
        Arrays.sort(sorted);
        double p50 = percentile(sorted, 50) / 1e6;
        double p99 = percentile(sorted, 99) / 1e6;
        double max = sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
        double rate = p.seconds > 0 ? p.ok / p.seconds : 0;
        StringBuilder codeList = new StringBuilder();
        for (Map.Entry<String, Integer> e : p.codes.entrySet()) {
            codeList.append(codeList.isEmpty() ? "" : ",").append(e.getKey()).append(':').append(e.getValue());
        }
        System.err.printf(Locale.ROOT, "loader%s: %d accepted, %d errors in %.2f s = %.1f msgs/s; latency p50 %.1f ms, "
                + "p99 %.1f ms, max %.1f ms (%d samples); replies %s%n", label, p.ok, p.errors, p.seconds, rate, p50,
                p99, max, sorted.length, codeList);
        System.out.printf(Locale.ROOT, "RESULT ok=%d errors=%d seconds=%.3f rate=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
                + "warmup_ok=%d start_ms=%d loader_cpu_ms_per_msg=%.3f codes=%s%n", p.ok, p.errors, p.seconds, rate, p50,
                p99, max, warmupOk, startMillis, loaderCpuMs, codeList.isEmpty() ? "-" : codeList);
        System.out.flush();
        System.exit(p.errors == 0 && p.ok == messages ? 0 : 1);
    }

    static int warmupOk;

    /** CPU time of this process, or -1 where the JVM cannot tell. */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    record Phase(int ok, int errors, double seconds, long[] latencies, int samples, Map<String, Integer> codes) {}

    static Phase runPhase(InetAddress address, int count, long hardDeadline) throws InterruptedException {
        next.set(0);
        phaseMessages = count;
        latencies = new long[count];
        samples.set(0);
        ok.set(0);
        errors.set(0);
        codes.clear();
        int workers = Math.min(concurrency, count);
        CountDownLatch done = new CountDownLatch(workers);
        CountDownLatch start = new CountDownLatch(1);
        long t0 = System.nanoTime();
        for (int i = 0; i < workers; i++) {
            Thread.ofPlatform().name("conn-" + i).daemon(true).start(() -> {
                try {
                    start.await();
                    worker(address, hardDeadline);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        t0 = System.nanoTime();
        start.countDown();
        long wait = hardDeadline - System.nanoTime();
        if (!done.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
            System.err.println("loader: time limit reached, closing connections");
            stopping = true;
            synchronized (sockets) {
                for (Socket s : sockets) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
            }
            done.await(10, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int unsent = Math.max(0, count - Math.min(count, next.get()));
        if (unsent > 0) {
            errors.addAndGet(unsent);
            codes.computeIfAbsent("unsent", k -> new AtomicInteger()).addAndGet(unsent);
        }
        Map<String, Integer> snapshot = new TreeMap<>();
        codes.forEach((k, v) -> snapshot.put(k, v.get()));
        return new Phase(ok.get(), errors.get(), seconds, latencies, Math.min(samples.get(), count), snapshot);
    }

    /** One connection: sends messages until none are left; reconnects after a broken connection. */
    static void worker(InetAddress address, long hardDeadline) {
        int reconnects = 0;
        while (!stopping && next.get() < phaseMessages && System.nanoTime() < hardDeadline) {
            try (Socket socket = new Socket()) {
                sockets.add(socket);
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(socketTimeoutSeconds * 1000);
                socket.connect(new InetSocketAddress(address, port), 10_000);
                Conn c = new Conn(socket);
                try {
                    session(c, hardDeadline);
                } finally {
                    sockets.remove(socket);
                }
                return;
            } catch (IOException e) {
                if (stopping) {
                    return;
                }
                count("io");
                if (++reconnects > 50) {
                    System.err.println("loader: giving up on a connection after " + reconnects + " failures: " + e);
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    static void session(Conn c, long hardDeadline) throws IOException {
        Reply greeting = c.read();
        if (greeting.code != 220) {
            throw new IOException("greeting " + greeting.code);
        }
        c.write("EHLO " + helo + "\r\n");
        c.flush();
        Reply ehlo = c.read();
        if (ehlo.code != 250) {
            throw new IOException("EHLO " + ehlo.code);
        }
        boolean pipe = pipelining && ehlo.text.toUpperCase(Locale.ROOT).contains("PIPELINING");
        byte[] bodyBlock = bodyBlock(new SplittableRandom());
        while (!stopping && System.nanoTime() < hardDeadline) {
            int n = next.getAndIncrement();
            if (n >= phaseMessages) {
                break;
            }
            byte[] body = message(bodyBlock);
            boolean accepted;
            long t0 = System.nanoTime();
            try {
                accepted = transaction(c, body, pipe);
            } catch (IOException e) {
                // The message was claimed but its outcome is unknown: an error.
                errors.incrementAndGet();
                throw e;
            }
            long t1 = System.nanoTime();
            if (accepted) {
                ok.incrementAndGet();
                int i = samples.getAndIncrement();
                if (i < latencies.length) {
                    latencies[i] = t1 - t0;
                }
            } else {
                errors.incrementAndGet();
            }
        }
        c.write("QUIT\r\n");
        c.flush();
        try {
            c.read();
        } catch (IOException e) {
            // the server may close first
        }
    }

    /** One mail transaction. @return true when the message got a 250 after the dot */
    static boolean transaction(Conn c, byte[] body, boolean pipe) throws IOException {
        String mail = "MAIL FROM:<" + from + "> SIZE=" + body.length + "\r\n";
        String rcpt = "RCPT TO:<" + to + ">\r\n";
        Reply mailReply;
        Reply rcptReply;
        Reply dataReply;
        if (pipe) {
            c.write(mail + rcpt + "DATA\r\n");
            c.flush();
            mailReply = c.read();
            rcptReply = c.read();
            dataReply = c.read();
        } else {
            c.write(mail);
            c.flush();
            mailReply = c.read();
            if (mailReply.code != 250) {
                return fail(c, mailReply, "MAIL");
            }
            c.write(rcpt);
            c.flush();
            rcptReply = c.read();
            if (rcptReply.code != 250 && rcptReply.code != 251) {
                return fail(c, rcptReply, "RCPT");
            }
            c.write("DATA\r\n");
            c.flush();
            dataReply = c.read();
        }
        if (mailReply.code != 250) {
            if (dataReply.code == 354) {
                c.write(".\r\n"); // an empty message to get back in step, then forget it
                c.flush();
                c.read();
            }
            return fail(c, mailReply, "MAIL");
        }
        if (rcptReply.code != 250 && rcptReply.code != 251) {
            if (dataReply.code == 354) {
                c.write(".\r\n");
                c.flush();
                c.read();
            }
            return fail(c, rcptReply, "RCPT");
        }
        if (dataReply.code != 354) {
            return fail(c, dataReply, "DATA");
        }
        c.out.write(body);
        c.write(".\r\n");
        c.flush();
        Reply end = c.read();
        if (end.code == 250) {
            count("250");
            return true;
        }
        if (firstError.compareAndSet(false, true)) {
            System.err.println("loader: first refusal after DATA: " + end.text.strip());
        }
        count(Integer.toString(end.code));
        return false;
    }

    static final java.util.concurrent.atomic.AtomicBoolean firstError = new java.util.concurrent.atomic.AtomicBoolean();

    static boolean fail(Conn c, Reply reply, String stage) throws IOException {
        if (firstError.compareAndSet(false, true)) {
            System.err.println("loader: first refusal at " + stage + ": " + reply.text.strip());
        }
        count(stage + ":" + reply.code);
        c.write("RSET\r\n");
        c.flush();
        c.read();
        return false;
    }

    static void count(String code) {
        codes.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * A message of exactly sizeBytes: proper headers (From in the sender's domain, so SPF and DMARC
     * pass; a unique Message-ID), then lines of text from this connection's body, cut to size. Never a
     * line that starts with a dot, so nothing needs dot-stuffing.
     */
    static byte[] message(byte[] body) {
        long seq = sequence.incrementAndGet();
        String domain = from.substring(from.lastIndexOf('@') + 1);
        String headers = "From: Bench Sender <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: SMTP benchmark message " + seq + "\r\n"
                + "Date: " + RFC5322_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n"
                + "Message-ID: <" + runId + "." + seq + "@" + domain + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n"
                + "\r\n";
        byte[] h = headers.getBytes(StandardCharsets.US_ASCII);
        int room = Math.max(0, sizeBytes - h.length);
        // The body block holds whole lines; cut it at a line end at or before room, then pad the
        // last line so the total is exact.
        int cut = Math.min(room, body.length);
        while (cut > 0 && body[cut - 1] != '\n') {
            cut--;
        }
        int pad = room - cut;
        byte[] message = new byte[h.length + cut + (pad >= 3 ? pad : 0)];
        System.arraycopy(h, 0, message, 0, h.length);
        System.arraycopy(body, 0, message, h.length, cut);
        if (pad >= 3) {
            int at = h.length + cut;
            java.util.Arrays.fill(message, at, at + pad - 2, (byte) 'x');
            message[message.length - 2] = '\r';
            message[message.length - 1] = '\n';
        }
        return message;
    }

    /** Lines of words, at least sizeBytes long, different for every connection. */
    static byte[] bodyBlock(SplittableRandom random) {
        String[] w = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut "
                + "labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi "
                + "aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum")
                .split(" ");
        StringBuilder sb = new StringBuilder(sizeBytes + 128);
        StringBuilder line = new StringBuilder(80);
        while (sb.length() < sizeBytes) {
            line.setLength(0);
            while (line.length() < 72) {
                if (!line.isEmpty()) {
                    line.append(' ');
                }
                line.append(w[random.nextInt(w.length)]);
            }
            sb.append(line).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length); // nearest rank
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    record Reply(int code, String text) {}

    /** A connection with buffered byte streams and a multi-line reply reader. */
    static final class Conn {
        final InputStream in;
        final OutputStream out;

        Conn(Socket s) throws IOException {
            in = new BufferedInputStream(s.getInputStream(), 8192);
            out = new BufferedOutputStream(s.getOutputStream(), 32 * 1024);
        }

        void write(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.US_ASCII));
        }

        void flush() throws IOException {
            out.flush();
        }

        /** Reads one reply, all its lines. */
        Reply read() throws IOException {
            StringBuilder text = new StringBuilder();
            while (true) {
                String line = readLine();
                if (line.length() < 3) {
                    throw new IOException("malformed reply: " + line);
                }
                text.append(line).append('\n');
                if (line.length() == 3 || line.charAt(3) == ' ') {
                    try {
                        return new Reply(Integer.parseInt(line.substring(0, 3)), text.toString());
                    } catch (NumberFormatException e) {
                        throw new IOException("malformed reply: " + line);
                    }
                }
                if (line.charAt(3) != '-') {
                    throw new IOException("malformed reply: " + line);
                }
                if (text.length() > 64 * 1024) {
                    throw new IOException("reply too long");
                }
            }
        }

        String readLine() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    return sb.toString();
                }
                sb.append((char) b);
                if (sb.length() > 4096) {
                    throw new IOException("reply line too long");
                }
            }
            throw new IOException("connection closed by the server");
        }
    }

    static void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-pipelining")) {
                pipelining = false;
                continue;
            }
            if (i + 1 >= args.length) {
                usage();
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--host" -> host = v;
                    case "--port" -> port = Integer.parseInt(v);
                    case "--messages" -> messages = Integer.parseInt(v);
                    case "--concurrency" -> concurrency = Integer.parseInt(v);
                    case "--size" -> sizeBytes = Integer.parseInt(v);
                    case "--warmup" -> warmup = Integer.parseInt(v);
                    case "--pause-after-warmup" -> pauseAfterWarmupSeconds = Integer.parseInt(v);
                    case "--start-file" -> startFile = v;
                    case "--timeout" -> timeoutSeconds = Integer.parseInt(v);
                    case "--helo" -> helo = v;
                    case "--from" -> from = v;
                    case "--to" -> to = v;
                    case "--label" -> label = " [" + v + "]";
                    default -> usage();
                }
            } catch (NumberFormatException e) {
                die("not a number for " + a + ": " + v);
            }
        }
        if (messages < 1 || messages > 10_000_000 || concurrency < 1 || concurrency > 1000 || sizeBytes < 1024
                || sizeBytes > 50 * 1024 * 1024 || warmup < 0 || warmup > 1_000_000 || timeoutSeconds < 1
                || timeoutSeconds > 24 * 3600 || pauseAfterWarmupSeconds < 0 || pauseAfterWarmupSeconds > 600) {
            die("a parameter is out of range (messages 1..1e7, concurrency 1..1000, size 1024..50M, timeout 1..86400)");
        }
    }

    static void usage() {
        die("usage: java Loader.java --port N --to RCPT [--host 127.0.0.1] [--messages 5000] [--concurrency 20] "
                + "[--size 10240] [--warmup 0] [--pause-after-warmup 0] [--start-file PATH] [--timeout 300] [--from bench@sender.example] "
                + "[--helo client.sender.example] [--label NAME] [--no-pipelining]");
    }

    static void die(String message) {
        System.err.println("loader: " + message);
        System.exit(2);
    }
}
