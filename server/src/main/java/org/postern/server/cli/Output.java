package org.postern.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** List output: tab-separated lines for people and shell scripts, or JSON lines with --json. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Output() {}

    /** Prints one row; {@code fields} alternate name, value. Null values print as "-" (or JSON null). */
    static void row(PrintWriter out, boolean json, Object... fields) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < fields.length; i += 2) {
                m.put((String) fields[i], fields[i + 1] == null ? null : String.valueOf(fields[i + 1]));
            }
            try {
                out.println(JSON.writeValueAsString(m));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            StringBuilder line = new StringBuilder();
            for (int i = 1; i < fields.length; i += 2) {
                if (i > 1) {
                    line.append('\t');
                }
                line.append(fields[i] == null ? "-" : tabless(String.valueOf(fields[i])));
            }
            out.println(line);
        }
    }

    /** A value must not break the columns (notes are free text). */
    private static String tabless(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    static <T> void rows(PrintWriter out, boolean json, List<T> items, java.util.function.Function<T, Object[]> fields) {
        for (T item : items) {
            row(out, json, fields.apply(item));
        }
    }
}
