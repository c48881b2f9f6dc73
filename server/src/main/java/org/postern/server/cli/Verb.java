package org.postern.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.postern.server.config.Config;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A CLI verb: the global options, the configuration they select, and the output stream. */
abstract class Verb implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    /** The configuration, from options given before or after the verb, then the environment. */
    Config config() {
        Cli root = (Cli) spec.root().userObject();
        GlobalOptions merged = new GlobalOptions();
        merged.dataDir = global.dataDir != null ? global.dataDir : root.global.dataDir;
        merged.configFile = global.configFile != null ? global.configFile : root.global.configFile;
        return root.loadConfig(merged);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
