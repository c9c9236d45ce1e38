package org.guestcrm.optout.mail;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.guestcrm.optout.api.GuestLinks;
import org.guestcrm.optout.api.PreferenceLinks;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.persistence.KnownContactPoints;
import org.guestcrm.optout.persistence.PreferenceCentreStore;
import org.jboss.logging.Logger;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Mails the preference-centre links guests asked for, and the confirmations of their erasure requests (kind ERASURE),
 * from {@code preference_link_mail}: claims a few rows with a lease and commits, sends each outside any transaction
 * (Message-ID fixed by the row id, so a resend after a crash is recognisable as the same message), records the outcome.
 * A row that keeps failing is given up after {@code optout.links.mail-attempts} attempts. Logs name the row id, never the address.
 */
@ApplicationScoped
public class PreferenceLinkMailer {

    private static final Logger LOG = Logger.getLogger(PreferenceLinkMailer.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    @Inject
    PreferenceCentreStore store;
    @Inject
    KnownContactPoints known;
    @Inject
    GuestLinks links;
    @Inject
    PreferenceLinks preferenceLinks;
    @Inject
    OptoutConfig config;
    @Inject
    Mailer mailer;

    @Scheduled(every = "${optout.links.mail-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sendDue() {
        if (links.links().isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        List<PreferenceCentreStore.LinkMail> due = QuarkusTransaction.requiringNew()
                .call(() -> store.claimLinkMails(now, now.plus(2, ChronoUnit.MINUTES), 10));
        for (PreferenceCentreStore.LinkMail mail : due) {
            send(mail);
        }
    }

    private void send(PreferenceCentreStore.LinkMail mail) {
        Optional<ContactPoint> to = QuarkusTransaction.requiringNew().call(() -> known.resolve(mail.tenant(), mail.ref()));
        if (to.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() -> store.linkMailDone(mail.id(), "FORGOTTEN", Instant.now()));
            return;
        }
        try {
            Map<String, String> texts = PreferenceLinks.texts(mail.lang());
            Mail message;
            if ("ERASURE".equals(mail.kind())) {
                // The confirmation of an erasure request: the link names the request; it expires with it.
                Optional<PreferenceCentreStore.ErasureConfirmation> request = QuarkusTransaction.requiringNew()
                        .call(() -> store.erasureConfirmation(mail.confirmationId()));
                if (request.isEmpty() || request.get().usedAt() != null || !request.get().expiresAt().isAfter(Instant.now())) {
                    QuarkusTransaction.requiringNew().run(() -> store.linkMailDone(mail.id(), "OUTDATED", Instant.now()));
                    return;
                }
                PreferenceLinks.Link link = preferenceLinks.erasureLink(mail.tenant(), mail.ref(), mail.confirmationId(),
                        mail.lang(), request.get().expiresAt());
                message = Mail.withText(to.get().value(), texts.get("erasureMailSubject"),
                        String.format(texts.get("erasureMailBody"), link.url(), TIME.format(link.expiresAt())));
                message.addHeader("Message-ID", "<erasure-confirmation-" + mail.id() + "@optout.guest-crm>");
            } else if ("EMAIL_CHANGE".equals(mail.kind())) {
                // A corrected address is verified by a mail to the new address (never to the old one): its link names
                // the request and expires with it.
                Optional<PreferenceCentreStore.EmailChange> change = QuarkusTransaction.requiringNew()
                        .call(() -> store.emailChange(mail.emailChangeId()));
                if (change.isEmpty() || change.get().usedAt() != null || !change.get().expiresAt().isAfter(Instant.now())) {
                    QuarkusTransaction.requiringNew().run(() -> store.linkMailDone(mail.id(), "OUTDATED", Instant.now()));
                    return;
                }
                PreferenceLinks.Link link = preferenceLinks.emailChangeLink(mail.tenant(), mail.ref(), mail.emailChangeId(),
                        mail.lang(), change.get().expiresAt());
                message = Mail.withText(change.get().newValue(), texts.get("emailChangeMailSubject"),
                        String.format(texts.get("emailChangeMailBody"), link.url(), TIME.format(link.expiresAt())));
                message.addHeader("Message-ID", "<email-change-" + mail.id() + "@optout.guest-crm>");
            } else {
                PreferenceLinks.Link link = preferenceLinks.link(mail.tenant(), mail.ref(), mail.lang());
                message = Mail.withText(to.get().value(), texts.get("mailSubject"),
                        String.format(texts.get("mailBody"), link.url(), DAY.format(link.expiresAt())));
                message.addHeader("Message-ID", "<preference-link-" + mail.id() + "@optout.guest-crm>");
            }
            message.addHeader("Auto-Submitted", "auto-generated");
            mailer.send(message);
            QuarkusTransaction.requiringNew().run(() -> store.linkMailDone(mail.id(), "SENT", Instant.now()));
            LOG.debugf("Guest link mail %d (%s) sent.", mail.id(), mail.kind());
        } catch (RuntimeException e) {
            String reason = e.getClass().getSimpleName();
            boolean giveUp = mail.attempts() >= config.links().mailAttempts();
            QuarkusTransaction.requiringNew().run(() -> {
                if (giveUp) {
                    store.linkMailDone(mail.id(), "FAILED", Instant.now());
                } else {
                    store.linkMailFailed(mail.id(), reason);
                }
            });
            LOG.warnf("Preference-centre link mail %d could not be sent (attempt %d, %s)%s.", mail.id(), mail.attempts(), reason,
                    giveUp ? "; given up" : "; will retry");
        }
    }
}
