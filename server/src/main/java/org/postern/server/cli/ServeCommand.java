package org.postern.server.cli;

import java.util.Map;
import org.postern.server.Server;
import org.postern.server.config.Config;
import org.postern.server.logging.LogSetup;
import picocli.CommandLine.Command;

@Command(name = "serve", description = "Run the server in the foreground until stopped (SIGTERM or Ctrl-C). "
        + "Writes <data-dir>/ports.json once every listener is bound.")
final class ServeCommand extends Verb {
    @Override
    public Integer call() throws Exception {
        Config config = config();
        LogSetup.configure(config.logFormat(), config.logLevel());
        Server server = Server.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postern-shutdown"));
        for (Map.Entry<String, Integer> e : server.ports().entrySet()) {
            out().println("postern: listening " + e.getKey() + " on " + config.bind().getHostAddress() + ":" + e.getValue());
        }
        out().println("postern: data in " + config.dataDir() + " (" + server.postern().store().backendName() + ")");
        out().flush();
        server.awaitStop();
        return 0;
    }
}
