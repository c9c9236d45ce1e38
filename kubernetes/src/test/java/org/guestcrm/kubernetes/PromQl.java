package org.guestcrm.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL to find the metric names of an expression and the label values its selectors match:
 * string literals, label matchers, grouping clauses, ranges and durations are taken out, and what is left that is an
 * identifier, neither a function (followed by an opening parenthesis) nor a keyword, is a metric name.
 */
final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2", "start", "end");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private PromQl() {
    }

    static Set<String> metricNames(String expression) {
        String rest = expression.replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+[0-9]+[smhdwy]", " ")
                .replaceAll("\\b[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?[smhdwy]?\\b", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String word = identifier.group();
            int after = identifier.end();
            while (after < rest.length() && Character.isWhitespace(rest.charAt(after))) {
                after++;
            }
            boolean function = after < rest.length() && rest.charAt(after) == '(';
            if (!function && !KEYWORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    /** Positive label matchers per metric: metric -> label -> the literal values it may equal (regex alternatives). */
    static Map<String, Map<String, Set<String>>> matchedValues(String expression) {
        Map<String, Map<String, Set<String>>> values = new LinkedHashMap<>();
        Matcher selector = SELECTOR.matcher(expression);
        while (selector.find()) {
            if (selector.group(1) == null) {
                continue;
            }
            Matcher matcher = MATCHER.matcher(selector.group(2));
            while (matcher.find()) {
                if (matcher.group(2).startsWith("!")) {
                    continue;
                }
                List<String> literals = new ArrayList<>();
                for (String alternative : matcher.group(3).split("\\|")) {
                    literals.add(alternative);
                }
                values.computeIfAbsent(selector.group(1), k -> new LinkedHashMap<>())
                        .computeIfAbsent(matcher.group(1), k -> new LinkedHashSet<>()).addAll(literals);
            }
        }
        return values;
    }
}
