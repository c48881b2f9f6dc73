package org.postern.server;

import org.postern.server.cli.Cli;
import org.postern.server.config.ConfigLoader;

/** Entry point of {@code postern.jar}; everything happens in {@link Cli}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = Cli.execute(ConfigLoader.fromSystemEnvironment(), args);
        // serve keeps running on its own non-daemon threads; every other verb is done here.
        if (code != 0 || args.length == 0 || !args[0].equals("serve")) {
            System.exit(code);
        }
    }
}
