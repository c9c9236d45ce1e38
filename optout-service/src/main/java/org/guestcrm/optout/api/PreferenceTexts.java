package org.guestcrm.optout.api;

import java.util.Map;

/**
 * The words of the preference centre and of its mail, in English and French (same choice rules as
 * {@link GuestPageTexts}: {@code ?lang=}, else {@code Accept-Language}, else English).
 */
final class PreferenceTexts {

    private PreferenceTexts() {
    }

    static final Map<String, String> ENGLISH = Map.ofEntries(
            Map.entry("title", "Your contact preferences"),
            Map.entry("intro", "This page shows what our hotels hold about this address and lets you choose what we send you."),
            Map.entry("held", "What we hold"),
            Map.entry("address", "Address"),
            Map.entry("profiles", "Guest profiles at our hotels holding it"),
            Map.entry("paused", "Marketing paused until"),
            Map.entry("choices", "Your choices"),
            Map.entry("topic", "Topic"),
            Map.entry("state", "Your choice"),
            Map.entry("source", "Said via"),
            Map.entry("since", "Since"),
            Map.entry("yes", "Yes"),
            Map.entry("no", "No"),
            Map.entry("unset", "Not chosen"),
            Map.entry("now", "Now:"),
            Map.entry("save", "Save my choices"),
            Map.entry("purpose.MARKETING", "Offers and news"),
            Map.entry("purpose.GUEST_SURVEY", "Surveys after your stay"),
            Map.entry("purpose.PRE_STAY_SERVICE", "Services before your stay (upgrades, extras)"),
            Map.entry("purpose.PROFILING", "Offers chosen from your stays"),
            Map.entry("source.PMS", "Hotel reception"),
            Map.entry("source.FRONT_DESK", "Our staff"),
            Map.entry("source.UNSUBSCRIBE_LINK", "Unsubscribe link"),
            Map.entry("source.PREFERENCE_CENTRE", "This page"),
            Map.entry("source.IMPORT", "Import"),
            Map.entry("source.API", "Our systems"),
            Map.entry("source.BOUNCE", "Undeliverable mail"),
            Map.entry("source.COMPLAINT", "Reported as spam"),
            Map.entry("transactional", "Messages about your bookings (confirmations, changes) always reach you."),
            Map.entry("post", "Offers and news by post"),
            Map.entry("postAddress", "Postal address"),
            Map.entry("postChoice", "Offers and news by post to these addresses"),
            Map.entry("pause", "Pause offers and news"),
            Map.entry("pauseFor", "Pause for"),
            Map.entry("months", "months"),
            Map.entry("pauseButton", "Pause"),
            Map.entry("correct", "Correct your e-mail address"),
            Map.entry("newEmail", "New e-mail address"),
            Map.entry("correctButton", "Send the correction"),
            Map.entry("details", "Correct your name or language"),
            Map.entry("detailsText", "Fill in only what should change; our hotels will update their records."),
            Map.entry("firstName", "First name"),
            Map.entry("lastName", "Last name"),
            Map.entry("guestLanguage", "Language for our messages"),
            Map.entry("languageUnchanged", "(unchanged)"),
            Map.entry("detailsButton", "Send the correction"),
            Map.entry("notice.detailsCorrected", "Thank you: our hotels will update your details."),
            Map.entry("error.firstName", "Enter a first name with letters only."),
            Map.entry("error.lastName", "Enter a last name with letters only."),
            Map.entry("error.language", "Choose a language from the list."),
            Map.entry("error.details", "Fill in at least one field to correct."),
            Map.entry("language.en", "English"),
            Map.entry("language.fr", "Français"),
            Map.entry("language.de", "Deutsch"),
            Map.entry("language.it", "Italiano"),
            Map.entry("language.es", "Español"),
            Map.entry("language.nl", "Nederlands"),
            Map.entry("language.pt", "Português"),
            Map.entry("download", "Your data"),
            Map.entry("downloadText", "Download what we hold about this address (JSON)."),
            Map.entry("downloadButton", "Download my data"),
            Map.entry("erasure", "Erase this address"),
            Map.entry("erasureText", "We stop every message to this address and ask our hotels to erase it. We keep only a"
                    + " one-way fingerprint so that we never write to it again. To be sure the request is yours, we first send"
                    + " a confirmation e-mail to this address: nothing is erased until you open its link and confirm."),
            Map.entry("notice.erasureMailed", "We have sent a confirmation e-mail to this address. Nothing is erased yet:"
                    + " open the link in that e-mail and confirm there. The link works once, until the time the e-mail says."),
            Map.entry("erasureMailSubject", "Confirm the erasure of your data"),
            Map.entry("erasureMailBody", "Hello,\n\nyou asked us to erase this address and what our hotels hold about it."
                    + " Nothing has been erased yet. To confirm, open this link and press the button on the page:\n\n%s\n\n"
                    + "The link works once, until %s. If you did not ask for this, ignore this message: nothing will be"
                    + " erased.\n"),
            Map.entry("erasureConfirmTitle", "Confirm the erasure"),
            Map.entry("erasureConfirmMessage", "Press the button to erase this address and what our hotels hold about it."
                    + " This cannot be undone. We keep only a one-way fingerprint so that we never write to it again."),
            Map.entry("erasureConfirmButton", "Erase my data"),
            Map.entry("erasureUsedTitle", "This link has already been used"),
            Map.entry("erasureUsedMessage", "A confirmation link works only once, and this one has been used. If you asked"
                    + " for the erasure again, use the link in the newest e-mail."),
            Map.entry("erasureExpiredTitle", "This link has expired"),
            Map.entry("erasureExpiredMessage", "Nothing was erased. Open your preferences again and ask for the erasure once"
                    + " more: we will send a new confirmation e-mail."),
            Map.entry("erasureConfirm", "I understand and want this address erased"),
            Map.entry("erasureButton", "Erase"),
            Map.entry("notice.saved", "Your choices are saved."),
            Map.entry("notice.paused", "Offers and news are paused."),
            Map.entry("notice.corrected", "Thank you: our hotels will update your address."),
            Map.entry("notice.erased", "Your request is recorded: we will no longer write to this address."),
            Map.entry("error.email", "Enter a valid e-mail address."),
            Map.entry("error.months", "Choose a number of months from the list."),
            Map.entry("error.erasureConfirm", "Tick the box to confirm the erasure."),
            Map.entry("error.choice", "Choose Yes or No for each topic."),
            Map.entry("sessionTitle", "Your session has ended"),
            Map.entry("sessionMessage", "For your security this page works only for a while after you opened the link from"
                    + " your e-mail, and only in the browser where you opened it. Open the link again, or ask for a new one."),
            Map.entry("csrfMessage", "Nothing was changed: this form was not sent from your preferences page. Open the page"
                    + " again and retry."),
            Map.entry("requestLink", "Ask for a new link"),
            Map.entry("requestTitle", "Manage your contact preferences"),
            Map.entry("requestText", "Enter your e-mail address: we send a link to your preferences to that address."),
            Map.entry("requestLabel", "E-mail address"),
            Map.entry("requestButton", "Send me the link"),
            Map.entry("requestSent", "If this address is known to us, a link to your preferences is on its way to it."
                    + " It can take a few minutes."),
            Map.entry("tooMany", "Too many requests from here. Please try again in an hour."),
            Map.entry("mailSubject", "Your contact preferences"),
            Map.entry("mailBody", "Hello,\n\nyou asked for a link to your contact preferences. Open it to see what our"
                    + " hotels hold about this address and to choose what we send you:\n\n%s\n\nThe link is personal and"
                    + " valid until %s. If you did not ask for it, you can ignore this message.\n"),
            Map.entry("manage", "Manage all your contact preferences"),
            Map.entry("otherLang", "Français"));

    static final Map<String, String> FRENCH = Map.ofEntries(
            Map.entry("title", "Vos préférences de contact"),
            Map.entry("intro", "Cette page montre ce que nos hôtels conservent sur cette adresse et vous permet de choisir"
                    + " ce que nous vous envoyons."),
            Map.entry("held", "Ce que nous conservons"),
            Map.entry("address", "Adresse"),
            Map.entry("profiles", "Profils clients de nos hôtels qui la contiennent"),
            Map.entry("paused", "Marketing en pause jusqu’au"),
            Map.entry("choices", "Vos choix"),
            Map.entry("topic", "Sujet"),
            Map.entry("state", "Votre choix"),
            Map.entry("source", "Indiqué via"),
            Map.entry("since", "Depuis"),
            Map.entry("yes", "Oui"),
            Map.entry("no", "Non"),
            Map.entry("unset", "Non choisi"),
            Map.entry("now", "Actuellement :"),
            Map.entry("save", "Enregistrer mes choix"),
            Map.entry("purpose.MARKETING", "Offres et actualités"),
            Map.entry("purpose.GUEST_SURVEY", "Enquêtes après votre séjour"),
            Map.entry("purpose.PRE_STAY_SERVICE", "Services avant votre séjour (surclassements, extras)"),
            Map.entry("purpose.PROFILING", "Offres choisies d’après vos séjours"),
            Map.entry("source.PMS", "Réception de l’hôtel"),
            Map.entry("source.FRONT_DESK", "Notre équipe"),
            Map.entry("source.UNSUBSCRIBE_LINK", "Lien de désabonnement"),
            Map.entry("source.PREFERENCE_CENTRE", "Cette page"),
            Map.entry("source.IMPORT", "Import"),
            Map.entry("source.API", "Nos systèmes"),
            Map.entry("source.BOUNCE", "Message non distribuable"),
            Map.entry("source.COMPLAINT", "Signalé comme indésirable"),
            Map.entry("transactional", "Les messages sur vos réservations (confirmations, modifications) vous parviennent toujours."),
            Map.entry("post", "Offres et nouvelles par courrier"),
            Map.entry("postAddress", "Adresse postale"),
            Map.entry("postChoice", "Offres et nouvelles par courrier à ces adresses"),
            Map.entry("pause", "Mettre en pause les offres et actualités"),
            Map.entry("pauseFor", "Pause de"),
            Map.entry("months", "mois"),
            Map.entry("pauseButton", "Mettre en pause"),
            Map.entry("correct", "Corriger votre adresse e-mail"),
            Map.entry("newEmail", "Nouvelle adresse e-mail"),
            Map.entry("correctButton", "Envoyer la correction"),
            Map.entry("details", "Corriger votre nom ou votre langue"),
            Map.entry("detailsText", "Ne remplissez que ce qui doit changer ; nos hôtels mettront leurs fiches à jour."),
            Map.entry("firstName", "Prénom"),
            Map.entry("lastName", "Nom"),
            Map.entry("guestLanguage", "Langue de nos messages"),
            Map.entry("languageUnchanged", "(inchangée)"),
            Map.entry("detailsButton", "Envoyer la correction"),
            Map.entry("notice.detailsCorrected", "Merci : nos hôtels mettront vos coordonnées à jour."),
            Map.entry("error.firstName", "Saisissez un prénom composé de lettres."),
            Map.entry("error.lastName", "Saisissez un nom composé de lettres."),
            Map.entry("error.language", "Choisissez une langue dans la liste."),
            Map.entry("error.details", "Remplissez au moins un champ à corriger."),
            Map.entry("language.en", "English"),
            Map.entry("language.fr", "Français"),
            Map.entry("language.de", "Deutsch"),
            Map.entry("language.it", "Italiano"),
            Map.entry("language.es", "Español"),
            Map.entry("language.nl", "Nederlands"),
            Map.entry("language.pt", "Português"),
            Map.entry("download", "Vos données"),
            Map.entry("downloadText", "Téléchargez ce que nous conservons sur cette adresse (JSON)."),
            Map.entry("downloadButton", "Télécharger mes données"),
            Map.entry("erasure", "Effacer cette adresse"),
            Map.entry("erasureText", "Nous cessons tout envoi à cette adresse et demandons à nos hôtels de l’effacer. Nous"
                    + " ne gardons qu’une empreinte à sens unique pour ne plus jamais vous écrire. Pour être sûrs que la demande"
                    + " vient de vous, nous envoyons d’abord un e-mail de confirmation à cette adresse : rien n’est effacé"
                    + " avant que vous ouvriez son lien et confirmiez."),
            Map.entry("notice.erasureMailed", "Nous avons envoyé un e-mail de confirmation à cette adresse. Rien n’est encore"
                    + " effacé : ouvrez le lien de cet e-mail et confirmez. Le lien ne fonctionne qu’une fois, jusqu’à l’heure"
                    + " indiquée dans l’e-mail."),
            Map.entry("erasureMailSubject", "Confirmez l’effacement de vos données"),
            Map.entry("erasureMailBody", "Bonjour,\n\nvous nous avez demandé d’effacer cette adresse et ce que nos hôtels"
                    + " conservent à son sujet. Rien n’est encore effacé. Pour confirmer, ouvrez ce lien et appuyez sur le"
                    + " bouton de la page :\n\n%s\n\nLe lien ne fonctionne qu’une fois, jusqu’au %s. Si vous ne l’avez pas"
                    + " demandé, ignorez ce message : rien ne sera effacé.\n"),
            Map.entry("erasureConfirmTitle", "Confirmez l’effacement"),
            Map.entry("erasureConfirmMessage", "Appuyez sur le bouton pour effacer cette adresse et ce que nos hôtels"
                    + " conservent à son sujet. C’est définitif. Nous ne gardons qu’une empreinte à sens unique pour ne plus"
                    + " jamais vous écrire."),
            Map.entry("erasureConfirmButton", "Effacer mes données"),
            Map.entry("erasureUsedTitle", "Ce lien a déjà été utilisé"),
            Map.entry("erasureUsedMessage", "Un lien de confirmation ne fonctionne qu’une fois, et celui-ci a été utilisé."
                    + " Si vous avez redemandé l’effacement, utilisez le lien du dernier e-mail."),
            Map.entry("erasureExpiredTitle", "Ce lien a expiré"),
            Map.entry("erasureExpiredMessage", "Rien n’a été effacé. Ouvrez à nouveau vos préférences et redemandez"
                    + " l’effacement : nous vous enverrons un nouvel e-mail de confirmation."),
            Map.entry("erasureConfirm", "J’ai compris et je veux effacer cette adresse"),
            Map.entry("erasureButton", "Effacer"),
            Map.entry("notice.saved", "Vos choix sont enregistrés."),
            Map.entry("notice.paused", "Les offres et actualités sont en pause."),
            Map.entry("notice.corrected", "Merci : nos hôtels mettront votre adresse à jour."),
            Map.entry("notice.erased", "Votre demande est enregistrée : nous n’écrirons plus à cette adresse."),
            Map.entry("error.email", "Saisissez une adresse e-mail valide."),
            Map.entry("error.months", "Choisissez un nombre de mois dans la liste."),
            Map.entry("error.erasureConfirm", "Cochez la case pour confirmer l’effacement."),
            Map.entry("error.choice", "Choisissez Oui ou Non pour chaque sujet."),
            Map.entry("sessionTitle", "Votre session a pris fin"),
            Map.entry("sessionMessage", "Pour votre sécurité, cette page ne fonctionne que peu de temps après l’ouverture du"
                    + " lien de votre e-mail, et seulement dans le navigateur où vous l’avez ouvert. Rouvrez le lien ou"
                    + " demandez-en un nouveau."),
            Map.entry("csrfMessage", "Rien n’a été modifié : ce formulaire n’a pas été envoyé depuis votre page de"
                    + " préférences. Rouvrez la page et réessayez."),
            Map.entry("requestLink", "Demander un nouveau lien"),
            Map.entry("requestTitle", "Gérer vos préférences de contact"),
            Map.entry("requestText", "Saisissez votre adresse e-mail : nous envoyons à cette adresse un lien vers vos préférences."),
            Map.entry("requestLabel", "Adresse e-mail"),
            Map.entry("requestButton", "Recevoir le lien"),
            Map.entry("requestSent", "Si cette adresse nous est connue, un lien vers vos préférences lui est envoyé."
                    + " Cela peut prendre quelques minutes."),
            Map.entry("tooMany", "Trop de demandes depuis cet appareil. Veuillez réessayer dans une heure."),
            Map.entry("mailSubject", "Vos préférences de contact"),
            Map.entry("mailBody", "Bonjour,\n\nvous avez demandé un lien vers vos préférences de contact. Ouvrez-le pour voir"
                    + " ce que nos hôtels conservent sur cette adresse et choisir ce que nous vous envoyons :\n\n%s\n\nLe"
                    + " lien est personnel et valable jusqu’au %s. Si vous ne l’avez pas demandé, ignorez ce message.\n"),
            Map.entry("manage", "Gérer toutes vos préférences de contact"),
            Map.entry("otherLang", "English"));

    static Map<String, String> of(String lang) {
        return "fr".equals(lang) ? FRENCH : ENGLISH;
    }
}
