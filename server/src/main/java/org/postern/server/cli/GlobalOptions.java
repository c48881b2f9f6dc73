package org.postern.server.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every verb accepts, before or after the verb. */
public final class GlobalOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (default: $POSTERN_DATA_DIR, else ./data).")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: $POSTERN_CONFIG, else <data-dir>/postern.conf if present).")
    Path configFile;
}
