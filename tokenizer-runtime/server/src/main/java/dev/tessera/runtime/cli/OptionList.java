package dev.tessera.runtime.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options and positional arguments of one subcommand: {@code --name value}, {@code
 * --name=value}, bare flags, and positionals (everything after {@code --} is positional). Each
 * option may appear once.
 */
final class OptionList {

    private final String command;
    private final Map<String, String> values;
    private final List<String> positionals;

    private OptionList(String command, Map<String, String> values, List<String> positionals) {
        this.command = command;
        this.values = values;
        this.positionals = positionals;
    }

    /**
     * @param command the subcommand, for messages
     * @param valued options that take a value
     * @param flags options that take none
     * @throws UsageException naming an unknown, repeated or valueless option
     */
    static OptionList parse(
            String command, List<String> args, Set<String> valued, Set<String> flags)
            throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                positionals.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!arg.startsWith("--")) {
                positionals.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String option = eq > 0 ? arg.substring(0, eq) : arg;
            String value;
            if (flags.contains(option)) {
                if (eq > 0) {
                    throw new UsageException(command + ": " + option + " takes no value");
                }
                value = "";
            } else if (valued.contains(option)) {
                value = eq > 0 ? arg.substring(eq + 1) : i + 1 < args.size() ? args.get(++i) : "";
                if (value.isEmpty() || (eq < 0 && value.startsWith("--"))) {
                    throw new UsageException(command + ": " + option + " expects a value");
                }
            } else {
                throw new UsageException(command + ": unknown option \"" + option + "\"");
            }
            if (values.put(option, value) != null) {
                throw new UsageException(command + ": " + option + " is given twice; give it once");
            }
        }
        return new OptionList(command, values, List.copyOf(positionals));
    }

    /** The option's value, or null when it was not given. */
    String value(String option) {
        return values.get(option);
    }

    /**
     * The option's value.
     *
     * @throws UsageException saying the option is required
     */
    String required(String option, String what) throws UsageException {
        String v = values.get(option);
        if (v == null) {
            throw new UsageException(command + ": expected " + option + " " + what);
        }
        return v;
    }

    /** True when the flag (or valued option) was given. */
    boolean has(String option) {
        return values.containsKey(option);
    }

    /** The arguments that are not options, in order. */
    List<String> positionals() {
        return positionals;
    }

    /**
     * The option's value as an integer in [min, max], or {@code fallback} when not given.
     *
     * @throws UsageException naming the option and the accepted range
     */
    int integer(String option, int fallback, int min, int max) throws UsageException {
        String text = values.get(option);
        if (text == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new UsageException(
                String.format(
                        "%s: %s expects an integer in %d..%d, got \"%s\"",
                        command, option, min, max, text));
    }
}
