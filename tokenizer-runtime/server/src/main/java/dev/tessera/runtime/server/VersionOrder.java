package dev.tessera.runtime.server;

import java.util.Comparator;

/**
 * Orders model versions so that the highest is the newest: versions are split at dots and compared
 * part by part, numerically where both parts are integers ({@code 9 < 10}, {@code 1.9 < 1.10}), as
 * text otherwise; an integer part sorts before a text part, a prefix before its extensions. A total
 * order, so it can key a sorted map.
 */
final class VersionOrder implements Comparator<String> {

    static final VersionOrder INSTANCE = new VersionOrder();

    private VersionOrder() {}

    @Override
    public int compare(String a, String b) {
        String[] pa = a.split("\\.", -1);
        String[] pb = b.split("\\.", -1);
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c = comparePart(pa[i], pb[i]);
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(pa.length, pb.length);
        return c != 0 ? c : a.compareTo(b);
    }

    private static int comparePart(String a, String b) {
        boolean na = isInteger(a);
        boolean nb = isInteger(b);
        if (na && nb) {
            String sa = stripZeros(a);
            String sb = stripZeros(b);
            int c = Integer.compare(sa.length(), sb.length());
            return c != 0 ? c : sa.compareTo(sb);
        }
        if (na != nb) {
            return na ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean isInteger(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    private static String stripZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }
}
