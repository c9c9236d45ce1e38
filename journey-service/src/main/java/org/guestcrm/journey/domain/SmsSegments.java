package org.guestcrm.journey.domain;

/**
 * How many SMS segments a text takes, the unit providers bill (3GPP TS 23.038 / 23.040). A text made only of the GSM
 * 7-bit default alphabet and its extension table ({@code ^ { } \ [ ~ ] | €} and form feed, 2 septets each: escape +
 * character) goes as GSM-7: up to 160 septets in one segment, else 153 per part (the user data header takes 7). Any
 * other character (e.g. {@code ç}, {@code ê}, an emoji) makes the whole text UCS-2: up to 70 UTF-16 units in one
 * segment, else 67 per part. Parts never split an escape pair or a surrogate pair (a character outside the BMP, e.g.
 * an emoji, takes 2 units), so a part may hold one unit less.
 */
public final class SmsSegments {

    /** The GSM 03.38 default alphabet (1 septet each). */
    private static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** The extension table's characters (escape + character: 2 septets each). */
    private static final String GSM_EXTENSION = "^{}\\[~]|€\f";

    public enum Encoding { GSM_7, UCS_2 }

    public record Count(Encoding encoding, int units, int segments) {
    }

    private SmsSegments() {
    }

    public static Encoding encodingOf(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (GSM_BASIC.indexOf(c) < 0 && GSM_EXTENSION.indexOf(c) < 0) {
                return Encoding.UCS_2;
            }
        }
        return Encoding.GSM_7;
    }

    /** The encoding, its units (septets or UTF-16 units) and the number of segments; an empty text takes one. */
    public static Count count(String text) {
        Encoding encoding = encodingOf(text);
        int single = encoding == Encoding.GSM_7 ? 160 : 70;
        int perPart = encoding == Encoding.GSM_7 ? 153 : 67;
        int units = 0;
        for (int i = 0; i < text.length(); i++) {
            units += unitsAt(text, i, encoding);
        }
        if (units <= single) {
            return new Count(encoding, units, 1);
        }
        int segments = 1;
        int inPart = 0;
        for (int i = 0; i < text.length(); i++) {
            int size = unitsAt(text, i, encoding);
            if (encoding == Encoding.UCS_2 && Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                size = 2;
                i++;
            }
            if (inPart + size > perPart) {
                segments++;
                inPart = 0;
            }
            inPart += size;
        }
        return new Count(encoding, units, segments);
    }

    public static int segmentsOf(String text) {
        return count(text).segments();
    }

    private static int unitsAt(String text, int i, Encoding encoding) {
        if (encoding == Encoding.UCS_2) {
            return 1;
        }
        return GSM_EXTENSION.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
    }
}
