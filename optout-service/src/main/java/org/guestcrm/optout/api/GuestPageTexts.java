package org.guestcrm.optout.api;

import java.util.Locale;

/**
 * The words of the guests' pages, in English and French: the language asked for ({@code ?lang=}), else the browser's
 * first choice of the two ({@code Accept-Language}), else English.
 */
record GuestPageTexts(String lang, String confirmTitle, String confirmMessage, String confirmButton, String doneTitle,
        String doneMessage, String invalidTitle, String invalidMessage, String expiredTitle, String expiredMessage,
        String notOneClickMessage, String unavailableMessage, String otherLang, String otherLangLabel) {

    static final GuestPageTexts ENGLISH = new GuestPageTexts("en",
            "Unsubscribe from marketing messages",
            "Confirm that you no longer want to receive marketing messages from us at this address.",
            "Unsubscribe",
            "You are unsubscribed",
            "You will no longer receive marketing messages from us at this address. Messages about your stays (such as"
                    + " booking confirmations) still reach you.",
            "This link is not valid",
            "The link may be incomplete or altered. Use the link in your most recent e-mail from us.",
            "This link has expired",
            "For your security the link is valid only for a limited time. Use the link in a more recent e-mail from us.",
            "Nothing was changed: this request was not a one-click unsubscribe.",
            "This page is unavailable at the moment. Please try again later.",
            "fr", "Français");

    static final GuestPageTexts FRENCH = new GuestPageTexts("fr",
            "Se désabonner des messages marketing",
            "Confirmez que vous ne souhaitez plus recevoir nos messages marketing à cette adresse.",
            "Me désabonner",
            "Vous êtes désabonné(e)",
            "Vous ne recevrez plus nos messages marketing à cette adresse. Les messages liés à vos séjours (comme les"
                    + " confirmations de réservation) vous parviennent toujours.",
            "Ce lien n’est pas valide",
            "Le lien est peut-être incomplet ou modifié. Utilisez le lien de notre e-mail le plus récent.",
            "Ce lien a expiré",
            "Pour votre sécurité, le lien n’est valable que pour une durée limitée. Utilisez le lien d’un e-mail plus récent.",
            "Rien n’a été modifié : cette demande n’était pas un désabonnement en un clic.",
            "Cette page est momentanément indisponible. Veuillez réessayer plus tard.",
            "en", "English");

    static GuestPageTexts choose(String lang, String acceptLanguage) {
        String wanted = lang;
        if (wanted == null || wanted.isBlank()) {
            wanted = acceptLanguage == null ? "" : acceptLanguage;
            int en = indexOf(wanted, "en");
            int fr = indexOf(wanted, "fr");
            return fr >= 0 && (en < 0 || fr < en) ? FRENCH : ENGLISH;
        }
        return wanted.trim().toLowerCase(Locale.ROOT).startsWith("fr") ? FRENCH : ENGLISH;
    }

    private static int indexOf(String header, String language) {
        String lower = header.toLowerCase(Locale.ROOT);
        int at = 0;
        for (String part : lower.split(",")) {
            String tag = part.trim();
            if (tag.equals(language) || tag.startsWith(language + "-") || tag.startsWith(language + ";")) {
                return at;
            }
            at++;
        }
        return -1;
    }
}
