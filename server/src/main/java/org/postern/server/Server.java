package org.postern.server;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.postern.server.config.Config;
import org.postern.server.http.HttpsListener;
import org.postern.server.tls.TlsMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the deployment, its listeners and {@code ports.json}. Start-up either
 * completes with every listener bound, or fails and releases everything it took.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final ServerLock lock;
    private final Postern postern;
    private final PortsFile portsFile;
    private final HttpsListener https;
    private final Map<String, Integer> ports;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Server(ServerLock lock, Postern postern, PortsFile portsFile, HttpsListener https, Map<String, Integer> ports) {
        this.lock = lock;
        this.postern = postern;
        this.portsFile = portsFile;
        this.https = https;
        this.ports = ports;
    }

    public static Server start(Config config) throws IOException {
        org.postern.crypto.OwnerOnlyFiles.createPrivateDirectory(config.dataDir());
        ServerLock lock = ServerLock.acquire(config.dataDir());
        Postern postern = null;
        HttpsListener https = null;
        try {
            postern = Postern.open(config);
            PortsFile portsFile = new PortsFile(config.dataDir());
            portsFile.remove();
            TlsMaterial tls = TlsMaterial.load(config, postern.masterKeys().get());
            Postern p = postern;
            https = new HttpsListener(config, tls, p::ready);
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("http", https.start());
            portsFile.write(ports);
            LOG.info("event=server.started backend={} hostname={} tls_sha256={}", postern.store().backendName(),
                    config.hostname(), tls.fingerprintSha256());
            return new Server(lock, postern, portsFile, https, ports);
        } catch (RuntimeException e) {
            if (https != null) {
                https.stop();
            }
            if (postern != null) {
                postern.close();
            }
            lock.close();
            throw e;
        }
    }

    /** Listener name to bound port, as written to ports.json. */
    public Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    public Postern postern() {
        return postern;
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        try {
            https.stop();
            portsFile.remove();
            postern.close();
            lock.close();
            LOG.info("event=server.stopped");
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=server.stop_failed reason={}", e.toString());
        } finally {
            stopped.countDown();
        }
    }
}
