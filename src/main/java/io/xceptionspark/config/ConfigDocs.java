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

    /** Prints the Markdown table (to paste into docs/CONFIGURATION.md; a test checks it is current). */
    public static void main(String[] args) {
        System.out.print(markdownTable());
    }
}
