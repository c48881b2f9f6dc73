package org.postern.server.cli;

import org.postern.server.Postern;
import org.postern.server.config.Config;

/** A verb that works on the deployment: it opens the data directory, runs, and closes it. */
abstract class DeploymentVerb extends Verb {
    @Override
    public Integer call() throws Exception {
        Config config = config();
        Cli.quietLogs(config);
        try (Postern postern = Postern.open(config)) {
            run(postern);
        }
        out().flush();
        return 0;
    }

    abstract void run(Postern postern) throws Exception;
}
