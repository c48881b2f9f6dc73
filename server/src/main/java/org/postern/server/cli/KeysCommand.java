package org.postern.server.cli;

import java.util.Map;
import java.util.TreeMap;
import org.postern.crypto.MasterKeyRing;
import org.postern.server.Postern;
import org.postern.server.keys.KeyRotation;
import picocli.CommandLine.Command;

@Command(name = "keys", description = "Master key management.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.Status.class})
final class KeysCommand {

    @Command(name = "rotate", description = "Make a new master key, rewrap every data key and sealed file under it, "
            + "and remove old master keys nothing needs any more. Mail is not re-encrypted; safe while the server runs.")
    static final class Rotate extends DeploymentVerb {
        @Override
        void run(Postern p) {
            KeyRotation.Result r = p.keyRotation().rotate();
            out().println("master key rotated: active " + r.activeKeyId() + ", " + r.dataKeysRewrapped()
                    + " data keys rewrapped, " + r.filesResealed() + " files resealed, " + r.removedKeyIds().size()
                    + " old keys removed");
        }
    }

    @Command(name = "status", description = "Show the master keys (ids only) and how many data keys each wraps.")
    static final class Status extends DeploymentVerb {
        @Override
        void run(Postern p) {
            MasterKeyRing ring = p.masterKeys().get();
            Map<String, Integer> counts = new TreeMap<>();
            p.store().inTransaction(tx -> tx.dataKeys().list(p.policy().scopeFor(new org.postern.access.Caller.Operator())))
                    .forEach(k -> counts.merge(k.masterKeyId(), 1, Integer::sum));
            for (String id : new java.util.TreeSet<>(ring.keyIds())) {
                out().println(id + "\t" + (id.equals(ring.activeKeyId()) ? "active" : "retired") + "\t"
                        + counts.getOrDefault(id, 0) + " data keys");
            }
        }
    }
}
