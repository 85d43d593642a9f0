package io.xceptionspark.config;

import java.util.ArrayList;
import java.util.List;

/** The key table rendered for people: the {@code --help} text and the Markdown table in docs/CONFIGURATION.md. */
public final class ConfigDocs {
    /** Markers around the generated table in docs/CONFIGURATION.md. */
    public static final String TABLE_START = "<!-- key table: generated from defaults.conf by ConfigDocs; do not edit -->";
    public static final String TABLE_END = "<!-- end of key table -->";

    private ConfigDocs() {}

    /** Every key with its default and meaning, wrapped for a terminal. */
    public static String helpText() {
        StringBuilder b = new StringBuilder();
        String section = "";
        for (ConfigKey key : ConfigKeys.all()) {
            String s = key.name().substring(0, key.name().indexOf('.'));
            if (!s.equals(section)) {
                section = s;
                b.append('\n');
            }
            b.append("  ").append(key.name()).append(" = ").append(key.defaultValue()).append('\n');
            for (String line : wrap(key.description(), 72)) {
                b.append("      ").append(line).append('\n');
            }
        }
        return b.toString();
    }

    /** The Markdown table (between {@link #TABLE_START} and {@link #TABLE_END}). */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder(TABLE_START).append("\n\n");
        b.append("| key | default | meaning |\n|---|---|---|\n");
        for (ConfigKey key : ConfigKeys.all()) {
            b.append("| `").append(key.name()).append("` | `").append(key.defaultValue().replace("|", "\\|"))
                    .append("` | ").append(key.description().replace("|", "\\|")).append(" |\n");
        }
        return b.append('\n').append(TABLE_END).append('\n').toString();
    }

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * Prints the Markdown table, or with a file argument (docs/CONFIGURATION.md) replaces the table between
     * the markers in that file. A test checks the file holds the current table.
     */
    public static void main(String[] args) throws java.io.IOException {
        if (args.length == 0) {
            System.out.print(markdownTable());
            return;
        }
        java.nio.file.Path file = java.nio.file.Path.of(args[0]);
        String text = java.nio.file.Files.readString(file);
        int start = text.indexOf(TABLE_START);
        int end = text.indexOf(TABLE_END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException(file + " has no key table markers");
        }
        java.nio.file.Files.writeString(file, text.substring(0, start) + markdownTable()
                + text.substring(end + TABLE_END.length() + 1));
    }
}
