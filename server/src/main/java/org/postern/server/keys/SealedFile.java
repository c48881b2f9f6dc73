package org.postern.server.keys;

import java.nio.file.Path;

/** A file on disk holding a secret sealed under the master key, and the purpose it was sealed for. */
public record SealedFile(Path path, String purpose) {}
