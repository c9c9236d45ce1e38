package org.guestcrm.journey.tracking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.guestcrm.platform.security.SignedLinks;

/**
 * Open and click tracking of a mail's HTML part (issue 9), with the platform's {@link SignedLinks} (the keys of the
 * unsubscribe and survey links): every {@code href="http(s)://..."} becomes {@code <base>/click/<token>?url=<the
 * link>}, where the token (scope {@value #CLICK_SCOPE}) signs the message id and a SHA-256 of the link, so the redirect
 * goes only to a URL this message carried (a bare URL of the text is made such a link first); a 1x1 pixel {@code <base>/open/<token>} (scope {@value #OPEN_SCOPE}, the
 * message id) ends the body. Links to {@code untracked} (the optout-service's unsubscribe and preference links) are
 * left alone: they are no engagement, and a scanner following them must not be counted as a click either. The text
 * part is not changed (a plain-text reader sees the real links; its opens and clicks are not counted).
 */
public final class MailTracking {

    public static final String OPEN_SCOPE = "open";
    public static final String CLICK_SCOPE = "click";

    private static final Pattern HREF = Pattern.compile("href=\"(https?://[^\"]+)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern BARE_URL = Pattern.compile("https?://[^\\s<\"']+");
    private static final Pattern BODY_END = Pattern.compile("</body>", Pattern.CASE_INSENSITIVE);

    private final SignedLinks links;
    private final String baseUrl;
    private final Duration validity;
    private final Optional<String> untracked;

    public MailTracking(SignedLinks links, String baseUrl, Duration validity, Optional<String> untracked) {
        this.links = links;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.validity = validity;
        this.untracked = untracked;
    }

    /** {@code html} with its links tracked and the open pixel added; null stays null. */
    public String instrument(String html, String tenant, UUID communicationId) {
        if (html == null) {
            return null;
        }
        Matcher href = HREF.matcher(linked(html));
        StringBuilder out = new StringBuilder(html.length() + 512);
        while (href.find()) {
            String url = unescape(href.group(1));
            String replacement = href.group();
            if (tracks(url)) {
                replacement = "href=\"" + escape(clickUrl(tenant, communicationId, url)) + "\"";
            }
            href.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        href.appendTail(out);
        String pixel = "<img src=\"" + escape(openUrl(tenant, communicationId))
                + "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\">";
        Matcher end = BODY_END.matcher(out);
        if (end.find()) {
            out.insert(end.start(), pixel);
        } else {
            out.append(pixel);
        }
        return out.toString();
    }

    private boolean tracks(String url) {
        return !url.startsWith(baseUrl) && (untracked.isEmpty() || !url.startsWith(untracked.get()));
    }

    /**
     * {@code html} with every bare http(s) URL of its text (outside tags and outside an {@code <a>}: the built-in
     * layout writes the survey link as text) made a link to itself, which {@link #instrument} then tracks; the text
     * shown stays the URL. Trailing punctuation is not part of the URL.
     */
    static String linked(String html) {
        Matcher tag = TAG.matcher(html);
        StringBuilder out = new StringBuilder(html.length() + 64);
        int at = 0;
        boolean inAnchor = false;
        while (true) {
            boolean found = tag.find();
            String text = html.substring(at, found ? tag.start() : html.length());
            out.append(inAnchor ? text : linkedText(text));
            if (!found) {
                return out.toString();
            }
            String t = tag.group().toLowerCase(java.util.Locale.ROOT);
            if (t.startsWith("<a ") || t.equals("<a>")) {
                inAnchor = true;
            } else if (t.startsWith("</a")) {
                inAnchor = false;
            }
            out.append(tag.group());
            at = tag.end();
        }
    }

    private static String linkedText(String text) {
        Matcher url = BARE_URL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (url.find()) {
            String shown = url.group();
            int end = shown.length();
            while (end > 0 && ".,;:!?)".indexOf(shown.charAt(end - 1)) >= 0) {
                end--;
            }
            url.appendReplacement(out, Matcher.quoteReplacement("<a href=\"" + shown.substring(0, end).replace("\"", "&quot;")
                    + "\">" + shown.substring(0, end) + "</a>" + shown.substring(end)));
        }
        url.appendTail(out);
        return out.toString();
    }

    public String openUrl(String tenant, UUID communicationId) {
        return baseUrl + "/open/" + links.sign(OPEN_SCOPE, tenant, communicationId.toString(), validity);
    }

    public String clickUrl(String tenant, UUID communicationId, String url) {
        return baseUrl + "/click/" + links.sign(CLICK_SCOPE, tenant, clickSubject(communicationId, url), validity)
                + "?url=" + java.net.URLEncoder.encode(url, StandardCharsets.UTF_8);
    }

    /** The signed subject of a click link: the message id and the link's SHA-256 (base64url), space-separated. */
    public static String clickSubject(UUID communicationId, String url) {
        return communicationId + " " + digestOf(url);
    }

    public static String digestOf(String url) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String unescape(String attribute) {
        return attribute.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
