package io.xceptionspark.model;

import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The network program's op table layout, as the program itself defines it (its {@code layout()} method, from
 * scripts/xception_program.py): {@code "fields"} ints per op, each op's code by name ({@code "CONV"}) and each
 * argument's field within its op ({@code "CONV.weight"}). {@link NetworkProgram} names ops and arguments; this
 * turns them into the program's ints and fails on any name, or set of arguments, the program does not define,
 * so the two sides cannot drift apart silently.
 */
final class OpLayout {
    private static final String FIELDS = "fields";

    private final Map<String, Integer> numbers;
    private final int fields;
    /** Each op's argument names, as the program defines them. */
    private final Map<String, Set<String>> arguments = new HashMap<>();

    OpLayout(Map<String, Integer> numbers) {
        this.numbers = Map.copyOf(numbers);
        this.fields = number(FIELDS);
        Map<String, Set<Integer>> usedFields = new HashMap<>();
        for (Map.Entry<String, Integer> entry : this.numbers.entrySet()) {
            int dot = entry.getKey().indexOf('.');
            if (dot < 0) {
                continue;
            }
            String op = entry.getKey().substring(0, dot);
            int field = entry.getValue();
            if (field < 1 || field >= fields || !usedFields.computeIfAbsent(op, k -> new TreeSet<>()).add(field)) {
                throw new IllegalStateException("the network program's layout puts " + entry.getKey()
                        + " in field " + field + ", outside 1.." + (fields - 1) + " or on another argument's");
            }
            arguments.computeIfAbsent(op, k -> new TreeSet<>()).add(entry.getKey().substring(dot + 1));
        }
    }

    /** Reads the layout of a loaded network program. */
    static OpLayout of(PtSymbolBlock program) {
        Map<String, Integer> numbers = new TreeMap<>();
        try (IValue layout = IValueUtils.runMethod(program, "layout")) {
            Map<String, IValue> entries = layout.toIValueMap();
            try {
                entries.forEach((name, value) -> numbers.put(name, Math.toIntExact(value.toLong())));
            } finally {
                entries.values().forEach(IValue::close);
            }
        }
        return new OpLayout(numbers);
    }

    /** The op table the program's {@code load} takes: {@code fields} ints per op, code then arguments. */
    long[] encode(List<NetworkProgram.Op> ops) {
        long[] table = new long[ops.size() * fields];
        for (int i = 0; i < ops.size(); i++) {
            NetworkProgram.Op op = ops.get(i);
            int base = i * fields;
            table[base] = number(op.name());
            Set<String> defined = arguments.getOrDefault(op.name(), Set.of());
            if (!defined.equals(new TreeSet<>(op.arguments().keySet()))) {
                throw new IllegalStateException("the network program's " + op.name() + " takes " + defined
                        + ", NetworkProgram writes " + new TreeSet<>(op.arguments().keySet())
                        + ": remake the program (scripts/make-program.sh) or bring NetworkProgram in step");
            }
            op.arguments().forEach((name, value) -> table[base + number(op.name() + "." + name)] = value);
        }
        return table;
    }

    private int number(String name) {
        Integer number = numbers.get(name);
        if (number == null) {
            throw new IllegalStateException("the network program defines no " + name + " (it defines "
                    + new TreeSet<>(numbers.keySet()) + "): remake the program (scripts/make-program.sh) or bring"
                    + " NetworkProgram in step");
        }
        return number;
    }
}
