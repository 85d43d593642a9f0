package io.xceptionspark.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Prints rows as a plain-text table like Spark's show(): one header, cells cut at a width, NULL as NULL. */
final class TablePrinter {
    private static final int MAX_CELL = 60;

    private TablePrinter() {}

    static void print(PrintStream out, StructType schema, List<Row> rows) {
        String[] names = schema.fieldNames();
        List<String[]> cells = new ArrayList<>();
        int[] widths = new int[names.length];
        for (int c = 0; c < names.length; c++) {
            widths[c] = names[c].length();
        }
        for (Row r : rows) {
            String[] line = new String[names.length];
            for (int c = 0; c < names.length; c++) {
                line[c] = cell(r.isNullAt(c) ? null : r.get(c));
                widths[c] = Math.max(widths[c], line[c].length());
            }
            cells.add(line);
        }
        String rule = rule(widths);
        out.println(rule);
        out.println(line(names, widths));
        out.println(rule);
        cells.forEach(l -> out.println(line(l, widths)));
        out.println(rule);
        out.println(rows.size() + (rows.size() == 1 ? " row" : " rows"));
    }

    private static String cell(Object value) {
        String s;
        if (value == null) {
            s = "NULL";
        } else if (value instanceof scala.collection.Seq<?> seq) {
            s = scala.jdk.javaapi.CollectionConverters.asJava(seq).toString();
        } else if (value instanceof byte[] bytes) {
            s = "<" + bytes.length + " bytes>";
        } else {
            s = value.toString();
        }
        s = s.replace('\n', ' ');
        return s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 3) + "..." : s;
    }

    private static String rule(int[] widths) {
        StringBuilder b = new StringBuilder("+");
        for (int w : widths) {
            b.append("-".repeat(w + 2)).append('+');
        }
        return b.toString();
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder b = new StringBuilder("|");
        for (int c = 0; c < cells.length; c++) {
            b.append(' ').append(cells[c]).append(" ".repeat(widths[c] - cells[c].length())).append(" |");
        }
        return b.toString();
    }
}
