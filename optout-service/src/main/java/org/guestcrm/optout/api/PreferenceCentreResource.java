package org.guestcrm.optout.api;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.optout.domain.ConsentPurpose;
import org.guestcrm.optout.domain.ConsentSource;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ConsentStatus;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.GuestLinkSubject;
import org.guestcrm.optout.domain.Suppressions;
import org.guestcrm.optout.messaging.ConsentRecorder;
import org.guestcrm.optout.messaging.Erasures;
import org.guestcrm.events.ErasureRequester;
import org.guestcrm.optout.messaging.ContactUpdatePublisher;
import org.guestcrm.optout.persistence.ConsentEntryEntity;
import org.guestcrm.optout.persistence.ConsentLedgerStore;
import org.guestcrm.optout.persistence.ConsentStateEntity;
import org.guestcrm.optout.persistence.GuestDirectory;
import org.guestcrm.optout.persistence.KnownContactPoints;
import org.guestcrm.optout.persistence.PreferenceCentreStore;
import org.guestcrm.optout.persistence.SourceProfileEntity;
import org.guestcrm.optout.persistence.SourceProfileStore;
import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.audit.AuditEntry;
import org.guestcrm.platform.audit.AuditTrail;
import org.guestcrm.platform.security.SignedLinks;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

/**
 * The guest's preference centre. {@code GET /p/<token>} (a signed link, scope {@code preferences}, subject
 * {@code CHANNEL:cp1_...}) opens a session (a signed cookie, see {@link GuestSessions}) and sends the browser on to
 * {@code /preferences}, so the link's token leaves the address bar. The page shows what the group holds about this
 * contact point and has one form per action, each with the session's CSRF token: choices per purpose, a pause of
 * marketing, a corrected e-mail address, a data download, an erasure. {@code /preferences/request} mails a link to an
 * address typed in, answering the same whether or not the address is known. Every access and change is recorded
 * ({@code guest_activity}: address and user agent; the platform audit trail for reads), never with the address.
 */
@Path("/")
@PermitAll
public class PreferenceCentreResource {

    private static final Logger LOG = Logger.getLogger(PreferenceCentreResource.class);
    private static final String HTML = "text/html;charset=UTF-8";
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    private static final Set<Integer> PAUSE_MONTHS = Set.of(1, 3, 6, 12);
    private static final Set<String> NOTICES = Set.of("saved", "paused", "corrected", "detailsCorrected", "phoneCorrected",
            "addressCorrected");
    /** An address line or city: letters (any script), digits, spaces and the punctuation addresses use. */
    private static final Pattern ADDRESS_TEXT = Pattern.compile("[\\p{L}\\p{M}\\p{N}][\\p{L}\\p{M}\\p{N} '\u2019.,/#&()\\-]*");
    /** A postcode: letters, digits, spaces and hyphens, 2 to 12. */
    private static final Pattern POSTCODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 \\-]{1,11}");
    /** ISO 3166-1 alpha-2 country codes. */
    private static final Set<String> COUNTRIES = Set.of(java.util.Locale.getISOCountries());
    /** A name as a guest writes it: letters (any script, with accents), spaces, apostrophes, hyphens, dots. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{M}][\\p{L}\\p{M} '\u2019.\\-]{0,99}");
    /** The languages the guest may choose (BCP 47), in the order the page lists them. */
    static final List<String> LANGUAGES = List.of("en", "fr", "de", "it", "es", "nl", "pt");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    @Inject
    GuestLinks links;
    @Inject
    GuestDirectory guestDirectory;
    @Inject
    GuestSessions sessions;
    @Inject
    LinkContactPoints linkContactPoints;
    @Inject
    KnownContactPoints known;
    @Inject
    ConsentRecorder recorder;
    @Inject
    ContactUpdatePublisher contactUpdates;
    @Inject
    SourceProfileStore profiles;
    @Inject
    org.guestcrm.optout.config.SuppressionKeys suppressionKeys;
    @Inject
    Erasures erasures;
    @Inject
    PreferenceCentreStore store;
    @Inject
    AuditTrail audit;
    @Inject
    OptoutConfig config;
    @Inject
    org.guestcrm.optout.persistence.PhoneVerifications phoneVerifications;
    @Inject
    @Location("preferences.html")
    Template preferencesPage;
    @Inject
    @Location("preferences-request.html")
    Template requestPage;
    @Inject
    @Location("guest-page.html")
    Template messagePage;

    /** One language the guest may choose, labelled in that language. */
    @TemplateData
    public record LanguageOption(String code, String label, boolean selected) {
    }

    /** One purpose's line on the page. */
    @TemplateData
    public record Row(String purpose, String label, String stateLabel, String sourceLabel, String since, boolean granted,
            boolean withdrawn) {
    }

    /** A phone number (E.164) of the guest's PMS profiles, by its place in the list (the phone form names it so). */
    @TemplateData
    public record PhoneRow(String index, String number, boolean unverified) {
    }

    /** A postal address of the guest's PMS profiles and its POST (letters) marketing consent. */
    @TemplateData
    public record PostalRow(String index, String street, String postcode, String country, String stateLabel,
            String sourceLabel, String since) {
    }

    /** One interest of the golden record (its name as held, and its value). */
    @TemplateData
    public record InterestRow(String name, String value) {
    }

    /** The session's contact point, resolved, or the page that refuses the request. */
    private record Guest(GuestSessions.Session session, ContactPoint contactPoint) {
    }

    @GET
    @Path("p/{token}")
    @Produces(HTML)
    @Transactional
    @Operation(summary = "Opens the preference centre from a signed link (scope preferences): a session cookie, then 303 to /preferences")
    public Response open(@PathParam("token") String token, @QueryParam("lang") String lang,
            @HeaderParam("Accept-Language") String acceptLanguage, @Context HttpServerRequest http) {
        GuestPageTexts texts = GuestPageTexts.choose(lang, acceptLanguage);
        Optional<SignedLinks> signer = links.links();
        Object verified = verify(token, GuestLinks.PREFERENCES, texts, texts.expiredTitle(), texts.expiredMessage());
        if (verified instanceof Response refusal) {
            return refusal;
        }
        SignedLinks.Grant grant = (SignedLinks.Grant) verified;
        Optional<GuestLinkSubject> subject = GuestLinkSubject.parsePreferences(grant.subject());
        Optional<ContactPoint> contactPoint = subject.flatMap(s -> linkContactPoints.resolve(grant.tenant(), s));
        if (contactPoint.isEmpty()) {
            // Unknown reference, another tenant's, a malformed subject: exactly the page of an invalid link.
            return message(400, texts.lang(), texts.invalidTitle(), texts.invalidMessage(), null);
        }
        String ref = KnownContactPoints.refOf(grant.tenant(), contactPoint.get());
        GuestSessions.Session session = sessions.open(signer.get(), grant.tenant(), subject.get().channel(), ref);
        activity(grant.tenant(), ref, "open-link:key-" + token.split("\\.")[1], http, 303);
        String location = "/preferences" + (lang == null || lang.isBlank() ? "" : "?lang=" + texts.lang());
        return Response.seeOther(URI.create(location)).cookie(sessions.cookie(session)).build();
    }

    @GET
    @Path("preferences")
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The guest's preference centre (session cookie from /p/{token})")
    public Response page(@CookieParam(GuestSessions.COOKIE) String cookie, @QueryParam("lang") String lang,
            @QueryParam("notice") String notice, @HeaderParam("Accept-Language") String acceptLanguage,
            @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, acceptLanguage).lang();
        Object guest = guest(cookie, language);
        if (guest instanceof Response refusal) {
            return refusal;
        }
        Guest g = (Guest) guest;
        if (lang == null || lang.isBlank()) {
            // The guest's own language (crm.guests) where the page speaks it, else the browser's.
            String held = pageLanguage(heldDetails(g).language());
            if (held != null) {
                language = held;
            }
        }
        Map<String, String> t = PreferenceTexts.of(language);
        String noticeText = notice != null && NOTICES.contains(notice) ? t.get("notice." + notice) : null;
        audit.record(new AuditEntry(0, Instant.now(), "guest", g.session().tenant(), "guest", "GET /preferences",
                "contactPointRef=" + g.session().ref(), remote(http), 200));
        activity(g.session().tenant(), g.session().ref(), "view", http, 200);
        return render(200, g, language, noticeText, null);
    }

    @POST
    @Path("preferences/choices")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The guest's choice per purpose (GRANTED or WITHDRAWN), form with the session's CSRF token")
    public Response choose(@CookieParam(GuestSessions.COOKIE) String cookie, @QueryParam("lang") String lang,
            MultivaluedMap<String, String> form, @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, null).lang();
        Object guest = guarded(cookie, form == null ? null : form.getFirst("csrf"), language, "choices", http);
        if (guest instanceof Response refusal) {
            return refusal;
        }
        Guest g = (Guest) guest;
        Map<ConsentPurpose, ConsentStatus> chosen = new LinkedHashMap<>();
        for (ConsentPurpose purpose : ConsentPurpose.values()) {
            String value = form.getFirst(purpose.name());
            if (value == null || value.isBlank()) {
                continue;
            }
            try {
                chosen.put(purpose, ConsentStatus.valueOf(value.trim()));
            } catch (IllegalArgumentException e) {
                return render(400, g, language, null, PreferenceTexts.of(language).get("error.choice"));
            }
        }
        // Letters: one choice for every postal address of the PMS profiles holding this contact point.
        ConsentStatus post = null;
        String postValue = form.getFirst("POST");
        if (postValue != null && !postValue.isBlank()) {
            try {
                post = ConsentStatus.valueOf(postValue.trim());
            } catch (IllegalArgumentException e) {
                return render(400, g, language, null, PreferenceTexts.of(language).get("error.choice"));
            }
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String correlation = UUID.randomUUID().toString();
        int changes = 0;
        if (post != null) {
            for (ContactPoint address : profiles.heldWith(g.session().tenant(), g.contactPoint(), ContactKind.POSTAL)) {
                if (recorder.record(g.session().tenant(), new ConsentStatement(address, ConsentChannel.POST,
                        ConsentPurpose.MARKETING, post, ConsentSource.PREFERENCE_CENTRE, now),
                        provenance(g, "preference-centre", correlation))) {
                    changes++;
                }
            }
        }
        for (Map.Entry<ConsentPurpose, ConsentStatus> choice : chosen.entrySet()) {
            if (recorder.record(g.session().tenant(), new ConsentStatement(g.contactPoint(), g.session().channel(),
                    choice.getKey(), choice.getValue(), ConsentSource.PREFERENCE_CENTRE, now), provenance(g, "preference-centre", correlation))) {
                changes++;
                if (choice.getKey() == ConsentPurpose.MARKETING && choice.getValue() == ConsentStatus.GRANTED) {
                    store.endPauses(g.session().tenant(), g.contactPoint().value(), "GUEST_GRANTED", now);
                }
            }
        }
        activity(g.session().tenant(), g.session().ref(), "choices:" + changes, http, 303);
        return back(language, "saved");
    }

    @POST
    @Path("preferences/pause")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(HTML)
    @Transactional
    @Operation(summary = "Pauses marketing for 1, 3, 6 or 12 months (withdrawn now, granted again at the end), form with CSRF token")
    public Response pause(@CookieParam(GuestSessions.COOKIE) String cookie, @QueryParam("lang") String lang,
            @RestForm("csrf") String csrf, @RestForm("months") String months, @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, null).lang();
        Object guest = guarded(cookie, csrf, language, "pause", http);
        if (guest instanceof Response refusal) {
            return refusal;
        }
        Guest g = (Guest) guest;
        int count;
        try {
            count = Integer.parseInt(months == null ? "" : months.trim());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (!PAUSE_MONTHS.contains(count)) {
            return render(400, g, language, null, PreferenceTexts.of(language).get("error.months"));
        }
        String tenant = g.session().tenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ConsentStateEntity current = ConsentStateEntity.find(tenant, g.contactPoint().value(), g.session().channel().name(),
                ConsentPurpose.MARKETING.name()).orElse(null);
        // Only a granted consent is paused: a pause must never end in a grant the guest had not given.
        if (current != null && ConsentStatus.GRANTED.name().equals(current.status)) {
            recorder.record(tenant, new ConsentStatement(g.contactPoint(), g.session().channel(), ConsentPurpose.MARKETING,
                    ConsentStatus.WITHDRAWN, ConsentSource.PREFERENCE_CENTRE, now),
                    provenance(g, "pause:" + count + "m", UUID.randomUUID().toString()));
            ConsentStateEntity paused = ConsentStateEntity.find(tenant, g.contactPoint().value(), g.session().channel().name(),
                    ConsentPurpose.MARKETING.name()).orElseThrow();
            store.addPause(new PreferenceCentreStore.Pause(UUID.randomUUID(), tenant, g.contactPoint().value(),
                    g.session().channel().name(), ConsentPurpose.MARKETING.name(), paused.entryId,
                    now.atZone(ZoneOffset.UTC).plusMonths(count).toInstant()), now);
        }
        activity(tenant, g.session().ref(), "pause:" + count + "m", http, 303);
        return back(language, "paused");
    }

    @POST
    @Path("preferences/email")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The guest corrects the e-mail address: ContactDetailsUpdated (GUEST_CORRECTION) to every PMS profile holding it")
    public Response correct(@CookieParam(GuestSessions.COOKIE) String cookie, @QueryParam("lang") String lang,
            @RestForm("csrf") String csrf, @RestForm("email") String email, @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, null).lang();
        Object guest = guarded(cookie, csrf, language, "correction", http);
        if (guest instanceof Response refusal) {
            return refusal;
        }
        Guest g = (Guest) guest;
        Optional<ContactPoint> corrected = email == null || !email.contains("@") ? Optional.empty() : ContactPoint.email(email);
        if (corrected.isEmpty() || g.session().channel() != ConsentChannel.EMAIL) {
            return render(400, g, language, null, PreferenceTexts.of(language).get("error.email"));
        }
        if (corrected.get().equals(g.contactPoint())) {
            return back(language, "corrected");
        }
        // Verified before it is written back: a mail with a signed single-use link goes to the new address; only its
        // confirmation writes the correction back and carries the consent over. An erased address gets no mail; more
        // than requests-per-address-per-hour requests get the same page and no mail.
        String tenant = g.session().tenant();
        Instant now = Instant.now();
        boolean erased = !store.suppressed(tenant, suppressionKeys.candidates(tenant, corrected.get())).isEmpty();
        if (!erased && store.emailChangesSince(tenant, g.session().ref(), now.minus(1, ChronoUnit.HOURS))
                < config.links().requestsPerAddressPerHour()) {
            UUID change = UUID.randomUUID();
            store.queueEmailChange(change, tenant, g.session().ref(), corrected.get().value(), language, now,
                    now.plus(config.links().erasureConfirmValidFor()).truncatedTo(ChronoUnit.SECONDS));
            store.addRequest(tenant, g.session().ref(), "CORRECTION", "MAILED", "email-change=" + change, now);
        }
        activity(tenant, g.session().ref(), "email-change-requested", http, 200);
        return render(200, g, language, PreferenceTexts.of(language).get("notice.emailChangeMailed"), null);
    }

    /** A valid, unused, unexpired address change of a contact point still held. */
    private record EmailChangeRequest(String tenant, PreferenceCentreStore.EmailChange change, ContactPoint contactPoint,
            ContactPoint corrected) {
    }

    /** The change an e-mail verification link confirms, or the page that refuses it (invalid 400, expired or used 410). */
    private Object emailChangeRequest(String token, String language, HttpServerRequest http, String action) {
        GuestPageTexts texts = GuestPageTexts.choose(language, null);
        Map<String, String> t = PreferenceTexts.of(language);
        Object verified = verify(token, GuestLinks.EMAIL_CHANGE, texts, t.get("erasureExpiredTitle"), t.get("emailChangeExpiredMessage"));
        if (verified instanceof Response refusal) {
            return refusal;
        }
        SignedLinks.Grant grant = (SignedLinks.Grant) verified;
        Optional<org.guestcrm.optout.domain.ErasureLinkSubject> subject =
                org.guestcrm.optout.domain.ErasureLinkSubject.parse(grant.subject());
        Optional<PreferenceCentreStore.EmailChange> change = subject
                .flatMap(s -> store.emailChange(s.confirmationId()))
                .filter(c -> c.tenant().equals(grant.tenant()) && c.ref().equals(subject.get().ref()));
        if (change.isEmpty()) {
            return message(400, language, texts.invalidTitle(), texts.invalidMessage(), null);
        }
        if (change.get().usedAt() != null) {
            activity(grant.tenant(), change.get().ref(), action + ":used", http, 410);
            return message(410, language, t.get("erasureUsedTitle"), t.get("emailChangeUsedMessage"), null);
        }
        if (!change.get().expiresAt().isAfter(Instant.now())) {
            activity(grant.tenant(), change.get().ref(), action + ":expired", http, 410);
            return message(410, language, t.get("erasureExpiredTitle"), t.get("emailChangeExpiredMessage"), null);
        }
        Optional<ContactPoint> contactPoint = known.resolve(grant.tenant(), change.get().ref());
        Optional<ContactPoint> corrected = ContactPoint.email(change.get().newValue());
        if (contactPoint.isEmpty() || corrected.isEmpty()) {
            // The old address was erased meanwhile: nothing is left to correct.
            activity(grant.tenant(), change.get().ref(), action + ":gone", http, 410);
            return message(410, language, t.get("erasureUsedTitle"), t.get("emailChangeUsedMessage"), null);
        }
        activity(grant.tenant(), change.get().ref(), action, http, 200);
        return new EmailChangeRequest(grant.tenant(), change.get(), contactPoint.get(), corrected.get());
    }

    @GET
    @Path("preferences/email/confirm/{token}")
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The page of the link mailed to a corrected address (scope email-change): a button that confirms; changes nothing")
    public Response emailChangePage(@PathParam("token") String token, @QueryParam("lang") String lang,
            @HeaderParam("Accept-Language") String acceptLanguage, @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, acceptLanguage).lang();
        Object request = emailChangeRequest(token, language, http, "email-change-page");
        if (request instanceof Response refusal) {
            return refusal;
        }
        return confirmationPage(language, "emailChange", "/preferences/email/confirm/" + token);
    }

    @POST
    @Path("preferences/email/confirm/{token}")
    @Produces(HTML)
    @Transactional
    @Operation(summary = "Confirms a corrected address from the link mailed to it (single use): ContactDetailsUpdated (GUEST_CORRECTION) to every PMS profile holding the old address, and the old address's consents carried over to the new one")
    public Response emailChangeConfirm(@PathParam("token") String token, @QueryParam("lang") String lang,
            @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, null).lang();
        Object request = emailChangeRequest(token, language, http, "email-change-confirm");
        if (request instanceof Response refusal) {
            return refusal;
        }
        EmailChangeRequest r = (EmailChangeRequest) request;
        Map<String, String> t = PreferenceTexts.of(language);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        if (!store.useEmailChange(r.change().id(), r.tenant(), r.change().ref(), now)) {
            activity(r.tenant(), r.change().ref(), "email-change-confirm:used", http, 410);
            return message(410, language, t.get("erasureUsedTitle"), t.get("emailChangeUsedMessage"), null);
        }
        String correlation = UUID.randomUUID().toString();
        int written = contactUpdates.emailCorrected(r.tenant(), r.contactPoint(), r.corrected(), correlation);
        // The consent goes with the person: every e-mail consent of the old address, in every scope (the tenant's, and
        // each hotel's or brand's where the tenant keeps them), is recorded for the new one in the same scope, now; a
        // grant for an erased address is refused by the recorder. The tenant's first, so a hotel's record on
        // crm.consents already sees what the tenant says.
        int carried = 0;
        List<ConsentStateEntity> held = new ArrayList<>(ConsentStateEntity.listFor(r.tenant(), r.contactPoint().value()));
        held.sort(java.util.Comparator.comparing((ConsentStateEntity s) -> !org.guestcrm.optout.domain.ConsentScope.isTenant(s.scope))
                .thenComparing(s -> s.scope).thenComparing(s -> s.purpose));
        for (ConsentStateEntity state : held) {
            if (!ConsentChannel.EMAIL.name().equals(state.channel)) {
                continue;
            }
            if (recorder.record(r.tenant(), new ConsentStatement(r.corrected(), ConsentChannel.EMAIL,
                            ConsentPurpose.valueOf(state.purpose), ConsentStatus.valueOf(state.status), ConsentSource.PREFERENCE_CENTRE,
                            now, state.scope),
                    new ConsentRecorder.Provenance("guest", "email-verified", "email-change:" + r.change().id(), correlation),
                    // Each scope's state is written back to the PMS profiles of that scope only (V24: the hotel each
                    // profile's last record named), never into another hotel's profile.
                    true)) {
                carried++;
            }
        }
        store.addRequest(r.tenant(), r.change().ref(), "CORRECTION", "PUBLISHED",
                "email-change=" + r.change().id() + " profiles=" + written + " consents=" + carried, now);
        activity(r.tenant(), r.change().ref(), "email-change:" + written, http, 200);
        return message(200, language, t.get("emailChangeDoneTitle"), t.get("emailChangeDoneMessage"), null);
    }

    @POST
    @Path("preferences/details")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The guest corrects first name, last name or language (a blank field is unchanged): ContactDetailsUpdated (GUEST_CORRECTION) with only those fields to every PMS profile holding the contact point")
    public Response correctDetails(@CookieParam(GuestSessions.COOKIE) String cookie, @QueryParam("lang") String lang,
            @RestForm("csrf") String csrf, @RestForm("firstName") String firstName, @RestForm("lastName") String lastName,
            @RestForm("language") String guestLanguage, @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, null).lang();
        Object guest = guarded(cookie, csrf, language, "details-correction", http);
        if (guest instanceof Response refusal) {
            return refusal;
        }
        Guest g = (Guest) guest;
        Map<String, String> t = PreferenceTexts.of(language);
        String first = blankToNull(firstName);
        String last = blankToNull(lastName);
        String chosen = blankToNull(guestLanguage);
        // The form shows what is held: a field sent back as it is held is no correction.
        GuestDirectory.GuestDetails held = heldDetails(g);
        if (first != null && first.equals(held.firstName())) {
            first = null;
        }
        if (last != null && last.equals(held.lastName())) {
            last = null;
        }
        if (chosen != null && chosen.equals(choiceOf(held.language()))) {
            chosen = null;
        }
        // Never echo what was typed: the error names the field only.
        if (first != null && !NAME.matcher(first).matches()) {
            return render(400, g, language, null, t.get("error.firstName"));
        }
        if (last != null && !NAME.matcher(last).matches()) {
            return render(400, g, language, null, t.get("error.lastName"));
        }
        if (chosen != null && !LANGUAGES.contains(chosen)) {
            return render(400, g, language, null, t.get("error.language"));
        }
        if (first == null && last == null && chosen == null) {
            return render(400, g, language, null, t.get("error.details"));
        }
        int written = contactUpdates.detailsCorrected(g.session().tenant(), g.contactPoint(), first, last, chosen,
                UUID.randomUUID().toString());
        List<String> fields = new ArrayList<>();
        if (first != null) {
            fields.add("firstName");
        }
        if (last != null) {
            fields.add("lastName");
        }
        if (chosen != null) {
            fields.add("language");
        }
        store.addRequest(g.session().tenant(), g.session().ref(), "CORRECTION", "PUBLISHED",
                "fields=" + String.join(",", fields) + " profiles=" + written, Instant.now());
        activity(g.session().tenant(), g.session().ref(), "details-correction:" + written, http, 303);
        return back(language, "detailsCorrected");
    }

    @POST
    @Path("preferences/phone")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The guest corrects (replaces) or adds a phone number: read in E.164 (a national form in the region of the guest's hotel, else the tenant's), ContactDetailsUpdated (GUEST_CORRECTION) with the phones list to every PMS profile holding the session's address; the replaced number's SMS and PHONE consents carried to the new one")
    public Response correctPhone(@CookieParam(GuestSessions.COOKIE) String cookie, @QueryParam("lang") String lang,
            @RestForm("csrf") String csrf, @RestForm("phone") String phone, @RestForm("replaces") String replaces,
            @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, null).lang();
        Object guest = guarded(cookie, csrf, language, "phone-correction", http);
        if (guest instanceof Response refusal) {
            return refusal;
        }
        Guest g = (Guest) guest;
        Map<String, String> t = PreferenceTexts.of(language);
        String tenant = g.session().tenant();
        List<ContactPoint> held = profiles.heldWith(tenant, g.contactPoint(), ContactKind.PHONE);
        // The number being corrected must be one the page showed (by its place in the list), or none (a number added).
        Object replaced = replaced(replaces, held, g, language, t);
        if (replaced instanceof Response refusal) {
            return refusal;
        }
        ContactPoint old = (ContactPoint) replaced;
        // Never echo what was typed: the error names the field only.
        String raw = blankToNull(phone);
        if (raw == null || raw.length() > 64) {
            return render(400, g, language, null, t.get("error.phone"));
        }
        String hotel = heldDetails(g).summary().lastStayHotelCode();
        String region = config.phoneRegion(tenant, hotel).orElse(null);
        java.util.Optional<String> e164 = org.guestcrm.platform.domain.ContactPointNormaliser.e164(raw, region);
        if (e164.isEmpty()) {
            return render(400, g, language, null, t.get("error.phone"));
        }
        ContactPoint corrected = new ContactPoint(ContactKind.PHONE, e164.get());
        if (old != null && old.value().equals(corrected.value()) || old == null && held.contains(corrected)) {
            return back(language, "phoneCorrected");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String correlation = UUID.randomUUID().toString();
        UUID correction = UUID.randomUUID();
        int written = contactUpdates.phoneCorrected(tenant, g.contactPoint(), old, corrected, correlation);
        // The number is the guest's word, not verified: it is written back (transactional texts may use it) but holds
        // no SMS or PHONE grant until it is verified (from any source: the PMS profile's flag was given for the old
        // number). The old number's opt-outs hold for it at once; its grants follow on verification.
        phoneVerifications.add(correction, tenant, corrected.value(), old == null ? null : old.value(), now);
        int carried = old == null ? 0 : carryConsents(tenant, old, corrected,
                Set.of(ConsentChannel.SMS, ConsentChannel.PHONE), true, "phone-corrected", "phone-correction:" + correction,
                correlation, now);
        store.addRequest(tenant, g.session().ref(), "CORRECTION", "PUBLISHED",
                "fields=phone" + (old == null ? "" : " replaces=1") + " profiles=" + written + " consents=" + carried, now);
        activity(tenant, g.session().ref(), "phone-correction:" + written, http, 303);
        return back(language, "phoneCorrected");
    }

    @POST
    @Path("preferences/address")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The guest corrects the postal address (street line, postcode, city, country; optionally which shown address it replaces): ContactDetailsUpdated (GUEST_CORRECTION) with the address to every PMS profile holding the session's address; the replaced address's letters consent carried to the new one")
    public Response correctAddress(@CookieParam(GuestSessions.COOKIE) String cookie, @QueryParam("lang") String lang,
            @RestForm("csrf") String csrf, @RestForm("line1") String line1, @RestForm("line2") String line2,
            @RestForm("postalCode") String postalCode, @RestForm("city") String city,
            @RestForm("countryCode") String countryCode, @RestForm("replaces") String replaces,
            @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, null).lang();
        Object guest = guarded(cookie, csrf, language, "address-correction", http);
        if (guest instanceof Response refusal) {
            return refusal;
        }
        Guest g = (Guest) guest;
        Map<String, String> t = PreferenceTexts.of(language);
        String tenant = g.session().tenant();
        List<ContactPoint> held = profiles.heldWith(tenant, g.contactPoint(), ContactKind.POSTAL);
        Object replaced = replaced(replaces, held, g, language, t);
        if (replaced instanceof Response refusal) {
            return refusal;
        }
        ContactPoint old = (ContactPoint) replaced;
        String street = blankToNull(line1);
        String extra = blankToNull(line2);
        String code = blankToNull(postalCode);
        String town = blankToNull(city);
        String country = blankToNull(countryCode);
        // Each field checked on its own; the error names the field, never its value.
        if (street == null || street.length() > 200 || !ADDRESS_TEXT.matcher(street).matches()) {
            return render(400, g, language, null, t.get("error.line1"));
        }
        if (extra != null && (extra.length() > 200 || !ADDRESS_TEXT.matcher(extra).matches())) {
            return render(400, g, language, null, t.get("error.line2"));
        }
        if (code == null || !POSTCODE.matcher(code).matches()) {
            return render(400, g, language, null, t.get("error.postalCode"));
        }
        if (town == null || town.length() > 100 || !ADDRESS_TEXT.matcher(town).matches()) {
            return render(400, g, language, null, t.get("error.city"));
        }
        if (country == null || !COUNTRIES.contains(country.toUpperCase(java.util.Locale.ROOT))) {
            return render(400, g, language, null, t.get("error.countryCode"));
        }
        country = country.toUpperCase(java.util.Locale.ROOT);
        ContactPoint corrected = ContactPoint.postal(street, code, country).orElse(null);
        if (corrected == null) {
            return render(400, g, language, null, t.get("error.line1"));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String correlation = UUID.randomUUID().toString();
        UUID correction = UUID.randomUUID();
        List<String> lines = extra == null ? List.of(street) : List.of(street, extra);
        int written = contactUpdates.addressCorrected(tenant, g.contactPoint(), org.guestcrm.events.PostalAddress.newBuilder()
                .setLines(lines).setPostalCode(code).setCity(town).setCountryCode(country).setPrimary(true).build(),
                correlation);
        int carried = old == null || old.value().equals(corrected.value()) ? 0 : carryConsents(tenant, old, corrected,
                Set.of(ConsentChannel.POST), false, "address-corrected", "address-correction:" + correction, correlation, now);
        store.addRequest(tenant, g.session().ref(), "CORRECTION", "PUBLISHED",
                "fields=address" + (old == null ? "" : " replaces=1") + " profiles=" + written + " consents=" + carried, now);
        activity(tenant, g.session().ref(), "address-correction:" + written, http, 303);
        return back(language, "addressCorrected");
    }

    /** The 0-based place of a 1-based {@code index} among {@code size} shown entries, or -1. */
    /**
     * The shown contact point a correction replaces ({@code replaces}: its place in the page's list), null when the
     * correction adds one, or the 400 page when {@code replaces} names no place in the list.
     */
    private Object replaced(String replaces, List<ContactPoint> held, Guest g, String language, Map<String, String> t) {
        String which = blankToNull(replaces);
        if (which == null) {
            return null;
        }
        int index = indexOf(which, held.size());
        return index < 0 ? render(400, g, language, null, t.get("error.replaces")) : held.get(index);
    }

    private static int indexOf(String index, int size) {
        try {
            int i = Integer.parseInt(index.trim());
            return i >= 1 && i <= size ? i - 1 : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The consents of {@code old} on {@code channels}, every scope, recorded for {@code corrected} (source
     * PREFERENCE_CENTRE, actor guest; see {@link ConsentRecorder#carry}). @return changes recorded
     */
    private int carryConsents(String tenant, ContactPoint old, ContactPoint corrected, Set<ConsentChannel> channels,
            boolean withdrawalsOnly, String detail, String evidence, String correlation, Instant now) {
        return recorder.carry(tenant, old, corrected, channels, withdrawalsOnly, ConsentSource.PREFERENCE_CENTRE,
                new ConsentRecorder.Provenance("guest", detail, evidence, correlation), now);
    }

    /**
     * What crm.guests says of the guest holding the session's contact point (names, language), where exactly one
     * guest holds it (an address shared by two guests shows neither's names); else nothing.
     */
    private GuestDirectory.GuestDetails heldDetails(Guest g) {
        String tenant = g.session().tenant();
        String guestId = guestDirectory.soleHolders(List.of(new ConsentLedgerStore.TenantValue(tenant, g.contactPoint().value())))
                .get(tenant + "\n" + g.contactPoint().value());
        return guestId == null ? GuestDirectory.GuestDetails.NONE : guestDirectory.detailsOf(tenant, guestId);
    }

    /** The choice of the language list a held language (BCP 47, e.g. de-CH) is, if any. */
    static String choiceOf(String language) {
        if (language == null) {
            return null;
        }
        String primary = language.strip().toLowerCase(java.util.Locale.ROOT).split("[-_]")[0];
        return LANGUAGES.contains(primary) ? primary : null;
    }

    /** The page's language for a held language, if the pages speak it. */
    static String pageLanguage(String language) {
        String choice = choiceOf(language);
        return choice != null && GuestTexts.LANGUAGES.contains(choice) ? choice : null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    @POST
    @Path("preferences/download")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces({MediaType.APPLICATION_JSON, HTML})
    @Transactional
    @Operation(summary = "Downloads what this service holds about the session's contact point (JSON), form with CSRF token")
    public Response download(@CookieParam(GuestSessions.COOKIE) String cookie, @RestForm("csrf") String csrf,
            @Context HttpServerRequest http) {
        Object guest = guarded(cookie, csrf, "en", "download", http);
        if (guest instanceof Response refusal) {
            return refusal;
        }
        Guest g = (Guest) guest;
        String tenant = g.session().tenant();
        String value = g.contactPoint().value();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("contactPoint", value);
        data.put("kind", g.contactPoint().kind().name());
        GuestDirectory.GuestDetails details = heldDetails(g);
        if (details.firstName() != null) {
            data.put("firstName", details.firstName());
        }
        if (details.lastName() != null) {
            data.put("lastName", details.lastName());
        }
        if (details.language() != null) {
            data.put("language", details.language());
        }
        org.guestcrm.optout.domain.GuestProfileSummary summary = details.summary();
        if (summary.hasStays()) {
            Map<String, Object> stays = new LinkedHashMap<>();
            stays.put("count", summary.stayCount());
            if (summary.lastStayDeparture() != null) {
                stays.put("lastDeparture", summary.lastStayDeparture().toString());
            }
            if (summary.lastStayHotelCode() != null) {
                stays.put("lastHotelCode", summary.lastStayHotelCode());
            }
            stays.put("hotelCodes", summary.hotelCodes());
            data.put("stays", stays);
        }
        if (!summary.interests().isEmpty()) {
            data.put("interests", summary.interests());
        }
        data.put("consents", consentsOf(tenant, value));
        data.put("history", ConsentEntryEntity.history(tenant, value).stream().map(e -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("channel", e.channel);
            entry.put("purpose", e.purpose);
            entry.put("status", e.status);
            entry.put("source", e.source);
            entry.put("effectiveAt", e.effectiveAt.toString());
            entry.put("recordedAt", e.recordedAt.toString());
            entry.put("pmsSystem", e.pmsSystem);
            entry.put("scope", e.scope == null ? "TENANT" : e.scope);
            entry.put("actor", e.actor);
            entry.put("sourceDetail", e.sourceDetail);
            return entry;
        }).toList());
        data.put("heldBy", ContactUpdatePublisher.holders(tenant, g.contactPoint()).stream()
                .map(p -> Map.of("pmsSystem", p.pmsSystem, "pmsProfileId", p.pmsProfileId)).toList());
        data.put("postalAddresses", profiles.heldWith(tenant, g.contactPoint(), ContactKind.POSTAL).stream().map(address -> {
            Map<String, Object> postal = new LinkedHashMap<>();
            postal.put("key", address.value());
            postal.put("consents", consentsOf(tenant, address.value()));
            return postal;
        }).toList());
        // The phone numbers of those PMS profiles (as the page shows them), each with its consents and whether it is
        // a number the guest gave that is not verified yet.
        List<ContactPoint> phones = profiles.heldWith(tenant, g.contactPoint(), ContactKind.PHONE);
        Set<ConsentLedgerStore.TenantValue> unverified = phoneVerifications.unverified(phones.stream()
                .map(p -> new ConsentLedgerStore.TenantValue(tenant, p.value())).toList());
        data.put("phones", phones.stream().map(phone -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("number", phone.value());
            row.put("verified", !unverified.contains(new ConsentLedgerStore.TenantValue(tenant, phone.value())));
            row.put("consents", consentsOf(tenant, phone.value()));
            return row;
        }).toList());
        // What crm.guests gave of the one guest holding the address: every contact point of the golden record.
        String guestId = guestDirectory.soleHolders(List.of(new ConsentLedgerStore.TenantValue(tenant, value)))
                .get(tenant + "\n" + value);
        if (guestId != null) {
            data.put("guestContactPoints", guestDirectory.contactPointsOf(tenant, guestId).stream()
                    .map(cp -> Map.of("kind", cp.kind().name(), "value", cp.value())).toList());
        }
        // An address change asked for and not confirmed yet (its new address is held until then).
        List<Map<String, Object>> changes = new ArrayList<>();
        for (Object[] r : store.openEmailChanges(tenant, g.session().ref(), Instant.now())) {
            changes.add(Map.of("newAddress", r[0], "requestedAt", String.valueOf(r[1]), "expiresAt", String.valueOf(r[2])));
        }
        data.put("pendingEmailChanges", changes);
        // The trail of this address's guest pages: when, what, from which client address and browser.
        data.put("activity", store.activitiesOf(tenant, g.session().ref(), 1000).stream().map(a -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("occurredAt", a.occurredAt().toString());
            row.put("action", a.action());
            row.put("clientAddress", a.sourceAddress());
            row.put("userAgent", a.userAgent());
            row.put("status", a.outcome());
            return row;
        }).toList());
        store.pausedUntil(tenant, value).ifPresent(until -> data.put("marketingPausedUntil", until.toString()));
        data.put("exportedAt", Instant.now().toString());
        store.addRequest(tenant, g.session().ref(), "DOWNLOAD", "DONE", null, Instant.now());
        audit.record(new AuditEntry(0, Instant.now(), "guest", tenant, "guest", "POST /preferences/download",
                "contactPointRef=" + g.session().ref(), remote(http), 200));
        activity(tenant, g.session().ref(), "download", http, 200);
        return Response.ok(data, MediaType.APPLICATION_JSON_TYPE)
                .header("Content-Disposition", "attachment; filename=\"my-contact-data.json\"")
                .header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("preferences/erasure")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The guest asks for erasure (confirm=yes): a confirmation e-mail with a signed, single-use, expiring link is sent to the address; nothing is erased before its click")
    public Response erase(@CookieParam(GuestSessions.COOKIE) String cookie, @QueryParam("lang") String lang,
            @RestForm("csrf") String csrf, @RestForm("confirm") String confirm, @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, null).lang();
        Object guest = guarded(cookie, csrf, language, "erasure", http);
        if (guest instanceof Response refusal) {
            return refusal;
        }
        Guest g = (Guest) guest;
        Map<String, String> t = PreferenceTexts.of(language);
        if (!"yes".equals(confirm)) {
            return render(400, g, language, null, t.get("error.erasureConfirm"));
        }
        String tenant = g.session().tenant();
        Instant now = Instant.now();
        // A second factor: the mailbox. The request is only recorded and a confirmation mailed to the address; the
        // erasure runs when the link in that mail is followed and its page's button pressed. Requests per address per
        // hour are limited like link requests (more are answered the same, and not mailed).
        if (g.session().channel() == ConsentChannel.EMAIL && store.erasureConfirmationsSince(tenant, g.session().ref(),
                now.minus(1, ChronoUnit.HOURS)) < config.links().requestsPerAddressPerHour()) {
            UUID confirmation = UUID.randomUUID();
            store.queueErasureConfirmation(confirmation, tenant, g.session().ref(), language, now,
                    now.plus(config.links().erasureConfirmValidFor()).truncatedTo(ChronoUnit.SECONDS));
            store.addRequest(tenant, g.session().ref(), "ERASURE", "MAILED", "confirmation=" + confirmation, now);
        }
        activity(tenant, g.session().ref(), "erasure-requested", http, 200);
        return render(200, g, language, t.get("notice.erasureMailed"), null);
    }

    /**
     * The page a confirmation link opens (erasure, corrected address): its texts ({@code <kind>ConfirmTitle},
     * {@code ...Message}, {@code ...Button}) and one button that posts to {@code action}; it changes nothing itself.
     */
    private Response confirmationPage(String language, String kind, String action) {
        Map<String, String> t = PreferenceTexts.of(language);
        String html = messagePage.data("lang", language).data("title", t.get(kind + "ConfirmTitle"))
                .data("message", t.get(kind + "ConfirmMessage")).data("showForm", true).data("erasureForm", true)
                .data("action", action + "?lang=" + language)
                .data("button", t.get(kind + "ConfirmButton")).data("switches", List.of())
                .data("moreHref", null).data("moreLabel", "").render();
        return Response.ok(html, HTML).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("preferences/erasure/confirm/{token}")
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The page of an erasure confirmation link (scope erasure): a button that confirms; changes nothing (mail scanners follow links)")
    public Response erasureConfirmPage(@PathParam("token") String token, @QueryParam("lang") String lang,
            @HeaderParam("Accept-Language") String acceptLanguage, @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, acceptLanguage).lang();
        Object request = erasureRequest(token, language, http, "erasure-confirm-page");
        if (request instanceof Response refusal) {
            return refusal;
        }
        return confirmationPage(language, "erasure", "/preferences/erasure/confirm/" + token);
    }

    @POST
    @Path("preferences/erasure/confirm/{token}")
    @Produces(HTML)
    @Transactional
    @Operation(summary = "Confirms the erasure from the confirmation mail's link (once): executed here (only a keyed suppression hash kept) and published on crm.erasures for every service")
    public Response erasureConfirm(@PathParam("token") String token, @QueryParam("lang") String lang,
            @Context HttpServerRequest http) {
        String language = GuestPageTexts.choose(lang, null).lang();
        Object request = erasureRequest(token, language, http, "erasure-confirm");
        if (request instanceof Response refusal) {
            return refusal;
        }
        ErasureRequest r = (ErasureRequest) request;
        Map<String, String> t = PreferenceTexts.of(language);
        UUID erasureId = UUID.randomUUID();
        Instant now = Instant.now();
        // Single use: only the one request that marks the confirmation used goes on (two clicks at once: one erasure).
        if (!store.useErasureConfirmation(r.confirmation().id(), r.tenant(), r.confirmation().ref(), erasureId, now)) {
            activity(r.tenant(), r.confirmation().ref(), "erasure-confirm:used", http, 410);
            return message(410, language, t.get("erasureUsedTitle"), t.get("erasureUsedMessage"), null);
        }
        // Executed here and now (this service's rows deleted, a keyed suppression kept) and asked of every other
        // service on crm.erasures, in one commit.
        Erasures.Person person = erasures.personOf(r.tenant(), List.of(r.contactPoint()), null, List.of());
        Erasures.Outcome outcome = erasures.erase(r.tenant(), person, erasureId, new Erasures.Requester(ErasureRequester.GUEST,
                "guest", "erasure-link:" + GuestLinks.fingerprint(token)), suppressionKeys.hash(r.tenant(), r.contactPoint()), true);
        LOG.debugf("Erasure %s confirmed by the guest's confirmation link.", outcome.erasureId());
        activity(r.tenant(), r.confirmation().ref(), "erasure", http, 200);
        NewCookie ended = new NewCookie.Builder(GuestSessions.COOKIE).value("").path("/").httpOnly(true).maxAge(0).build();
        return Response.fromResponse(message(200, language, t.get("title"), t.get("notice.erased"), null)).cookie(ended).build();
    }

    /**
     * The grant of a guest link of {@code scope}, or the page that refuses it: 503 without keys, 410 (the page given)
     * when expired, 400 for anything else (malformed, forged, unknown key, another scope).
     */
    private Object verify(String token, String scope, GuestPageTexts texts, String expiredTitle, String expiredMessage) {
        Optional<SignedLinks> signer = links.links();
        if (signer.isEmpty()) {
            LOG.warnf("A guest link (%s) was opened but guestcrm.signed-links.keys is not configured.", scope);
            return message(503, texts.lang(), texts.invalidTitle(), texts.unavailableMessage(), null);
        }
        try {
            return signer.get().verify(token, scope);
        } catch (SignedLinks.InvalidLinkException e) {
            LOG.debugf("A guest link (%s) was refused: %s.", scope, e.reason());
            return "expired".equals(e.reason())
                    ? message(410, texts.lang(), expiredTitle, expiredMessage, null)
                    : message(400, texts.lang(), texts.invalidTitle(), texts.invalidMessage(), null);
        }
    }

    /** A valid, unused, unexpired erasure confirmation of a contact point still held. */
    private record ErasureRequest(String tenant, PreferenceCentreStore.ErasureConfirmation confirmation, ContactPoint contactPoint) {
    }

    /** The request an erasure link confirms, or the page that refuses it (invalid 400, expired 410, used 410). */
    private Object erasureRequest(String token, String language, HttpServerRequest http, String action) {
        GuestPageTexts texts = GuestPageTexts.choose(language, null);
        Map<String, String> t = PreferenceTexts.of(language);
        Object verified = verify(token, GuestLinks.ERASURE, texts, t.get("erasureExpiredTitle"), t.get("erasureExpiredMessage"));
        if (verified instanceof Response refusal) {
            return refusal;
        }
        SignedLinks.Grant grant = (SignedLinks.Grant) verified;
        Optional<org.guestcrm.optout.domain.ErasureLinkSubject> subject =
                org.guestcrm.optout.domain.ErasureLinkSubject.parse(grant.subject());
        Optional<PreferenceCentreStore.ErasureConfirmation> confirmation = subject
                .flatMap(s -> store.erasureConfirmation(s.confirmationId()))
                .filter(c -> c.tenant().equals(grant.tenant()) && c.ref().equals(subject.get().ref()));
        if (confirmation.isEmpty()) {
            // A subject of no request, or of another tenant's or contact point's: exactly the page of an invalid link.
            return message(400, language, texts.invalidTitle(), texts.invalidMessage(), null);
        }
        if (confirmation.get().usedAt() != null) {
            activity(grant.tenant(), confirmation.get().ref(), action + ":used", http, 410);
            return message(410, language, t.get("erasureUsedTitle"), t.get("erasureUsedMessage"), null);
        }
        if (!confirmation.get().expiresAt().isAfter(Instant.now())) {
            activity(grant.tenant(), confirmation.get().ref(), action + ":expired", http, 410);
            return message(410, language, t.get("erasureExpiredTitle"), t.get("erasureExpiredMessage"), null);
        }
        Optional<ContactPoint> contactPoint = known.resolve(grant.tenant(), confirmation.get().ref());
        if (contactPoint.isEmpty()) {
            // Erased meanwhile (by staff, or by another service's request): nothing is left to erase.
            activity(grant.tenant(), confirmation.get().ref(), action + ":gone", http, 410);
            return message(410, language, t.get("erasureUsedTitle"), t.get("erasureUsedMessage"), null);
        }
        activity(grant.tenant(), confirmation.get().ref(), action, http, 200);
        return new ErasureRequest(grant.tenant(), confirmation.get(), contactPoint.get());
    }

    @GET
    @Path("preferences/request")
    @Produces(HTML)
    @Operation(summary = "The form that mails a preference-centre link to an address typed in (?tenant=)")
    public Response requestForm(@QueryParam("tenant") String tenant, @QueryParam("lang") String lang,
            @HeaderParam("Accept-Language") String acceptLanguage) {
        GuestPageTexts texts = GuestPageTexts.choose(lang, acceptLanguage);
        Optional<SignedLinks> signer = links.links();
        if (signer.isEmpty()) {
            return message(503, texts.lang(), texts.invalidTitle(), texts.unavailableMessage(), null);
        }
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            return message(400, texts.lang(), texts.invalidTitle(), texts.invalidMessage(), null);
        }
        GuestSessions.Session session = sessions.open(signer.get(), tenant, null, null);
        return Response.ok(requestPage(texts.lang(), tenant, sessions.csrfToken(session), null), HTML)
                .cookie(sessions.cookie(session)).build();
    }

    @POST
    @Path("preferences/request")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(HTML)
    @Transactional
    @Operation(summary = "Mails a preference-centre link to the address if it is known; the same answer either way; rate-limited")
    public Response request(@CookieParam(GuestSessions.COOKIE) String cookie, @QueryParam("lang") String lang,
            @RestForm("csrf") String csrf, @RestForm("tenant") String tenant, @RestForm("email") String email,
            @Context HttpServerRequest http) {
        GuestPageTexts texts = GuestPageTexts.choose(lang, null);
        Map<String, String> t = PreferenceTexts.of(texts.lang());
        Optional<GuestSessions.Session> session = sessions.read(cookie);
        if (session.isEmpty() || tenant == null || !session.get().tenant().equals(tenant)
                || !sessions.csrfValid(session.get(), csrf)) {
            return message(403, texts.lang(), t.get("requestTitle"), t.get("csrfMessage"), null);
        }
        Instant now = Instant.now();
        Optional<ContactPoint> address = email == null || !email.contains("@") ? Optional.empty() : ContactPoint.email(email);
        String typed = address.map(ContactPoint::value).orElse(email == null ? "" : email.trim().toLowerCase(java.util.Locale.ROOT));
        long[] counts = store.recordLinkRequest(tenant, Suppressions.sha256(tenant + '\0' + typed),
                Suppressions.sha256("client\0" + tenant + '\0' + remote(http)), now, now.minus(1, ChronoUnit.HOURS));
        if (counts[1] > config.links().requestsPerClientPerHour()) {
            activity(tenant, null, "link-request:client-limit", http, 429);
            return message(429, texts.lang(), t.get("requestTitle"), t.get("tooMany"), null);
        }
        if (address.isPresent() && counts[0] <= config.links().requestsPerAddressPerHour()) {
            String ref = KnownContactPoints.refOf(tenant, address.get());
            boolean held = known.resolve(tenant, ref).isPresent();
            boolean erased = !store.suppressed(tenant, suppressionKeys.candidates(tenant, address.get())).isEmpty();
            if (held && !erased) {
                store.queueLinkMail(tenant, ref, texts.lang(), now);
            }
        }
        // Whatever the address (known, unknown, malformed, over its limit): the same page.
        activity(tenant, null, "link-request", http, 200);
        return Response.ok(requestPage(texts.lang(), tenant, null, t.get("requestSent")), HTML).build();
    }

    private String requestPage(String lang, String tenant, String csrf, String message) {
        return requestPage.data("lang", lang).data("t", PreferenceTexts.of(lang)).data("tenant", tenant).data("csrf", csrf)
                .data("message", message)
                .data("switches", message == null
                        ? GuestTexts.switches(lang, code -> "/preferences/request?tenant=" + tenant + "&lang=" + code) : List.of())
                .render();
    }

    /** The session's guest, or the page saying the session is over. */
    private Object guest(String cookie, String language) {
        Map<String, String> t = PreferenceTexts.of(language);
        Optional<GuestSessions.Session> session = sessions.read(cookie).filter(GuestSessions.Session::ofContactPoint);
        Optional<ContactPoint> contactPoint = session.flatMap(s -> known.resolve(s.tenant(), s.ref()));
        if (contactPoint.isEmpty()) {
            return message(403, language, t.get("sessionTitle"), t.get("sessionMessage"), null);
        }
        return new Guest(session.get(), contactPoint.get());
    }

    /** As {@link #guest}, and the form's CSRF token must be the session's: else 403 and nothing changes. */
    private Object guarded(String cookie, String csrf, String language, String action, HttpServerRequest http) {
        Object guest = guest(cookie, language);
        if (guest instanceof Guest g && !sessions.csrfValid(g.session(), csrf)) {
            activity(g.session().tenant(), g.session().ref(), action + ":csrf-refused", http, 403);
            Map<String, String> t = PreferenceTexts.of(language);
            return message(403, language, t.get("title"), t.get("csrfMessage"), null);
        }
        return guest;
    }

    private Response render(int status, Guest g, String language, String notice, String error) {
        Map<String, String> t = PreferenceTexts.of(language);
        String tenant = g.session().tenant();
        String value = g.contactPoint().value();
        Map<String, ConsentStateEntity> states = new LinkedHashMap<>();
        // The guest's choices are the tenant's (a hotel's own scope is its PMS's, shown to staff).
        ConsentStateEntity.listFor(tenant, value).stream().filter(s -> s.channel.equals(g.session().channel().name()))
                .filter(s -> org.guestcrm.optout.domain.ConsentScope.isTenant(s.scope))
                .forEach(s -> states.put(s.purpose, s));
        List<Row> rows = new ArrayList<>();
        for (ConsentPurpose purpose : ConsentPurpose.values()) {
            ConsentStateEntity state = states.get(purpose.name());
            boolean granted = state != null && ConsentStatus.GRANTED.name().equals(state.status);
            boolean withdrawn = state != null && ConsentStatus.WITHDRAWN.name().equals(state.status);
            rows.add(new Row(purpose.name(), t.get("purpose." + purpose.name()),
                    granted ? t.get("yes") : withdrawn ? t.get("no") : t.get("unset"),
                    state == null ? "" : t.getOrDefault("source." + state.source, state.source),
                    state == null ? "" : DAY.format(state.effectiveAt), granted, withdrawn));
        }
        List<PostalRow> postal = new ArrayList<>();
        for (ContactPoint address : profiles.heldWith(tenant, g.contactPoint(), ContactKind.POSTAL)) {
            ConsentStateEntity state = ConsentStateEntity.find(tenant, address.value(), ConsentChannel.POST.name(),
                    ConsentPurpose.MARKETING.name()).orElse(null);
            String[] parts = address.value().split("\\|", 3);
            boolean granted = state != null && ConsentStatus.GRANTED.name().equals(state.status);
            boolean withdrawn = state != null && ConsentStatus.WITHDRAWN.name().equals(state.status);
            postal.add(new PostalRow(String.valueOf(postal.size() + 1), parts[2], parts[1].toUpperCase(java.util.Locale.ROOT),
                    parts[0], granted ? t.get("yes") : withdrawn ? t.get("no") : t.get("unset"),
                    state == null ? "" : t.getOrDefault("source." + state.source, state.source),
                    state == null ? "" : DAY.format(state.effectiveAt)));
        }
        List<PhoneRow> phones = new ArrayList<>();
        List<ContactPoint> heldPhones = profiles.heldWith(tenant, g.contactPoint(), ContactKind.PHONE);
        Set<ConsentLedgerStore.TenantValue> unverified = phoneVerifications.unverified(heldPhones.stream()
                .map(p -> new ConsentLedgerStore.TenantValue(tenant, p.value())).toList());
        for (ContactPoint phone : heldPhones) {
            phones.add(new PhoneRow(String.valueOf(phones.size() + 1), phone.value(),
                    unverified.contains(new ConsentLedgerStore.TenantValue(tenant, phone.value()))));
        }
        List<SourceProfileEntity> holders = ContactUpdatePublisher.holders(tenant, g.contactPoint());
        GuestDirectory.GuestDetails details = heldDetails(g);
        String heldChoice = choiceOf(details.language());
        String heldName = details.firstName() == null && details.lastName() == null ? null
                : String.join(" ", java.util.stream.Stream.of(details.firstName(), details.lastName())
                        .filter(java.util.Objects::nonNull).toList());
        String html = preferencesPage.data("postal", postal).data("phones", phones).data("lang", language).data("t", t).data("switches", GuestTexts.switches(language, code -> "/preferences?lang=" + code))
                .data("address", value).data("profiles", holders.size()).data("rows", rows)
                .data("languages", LANGUAGES.stream()
                        .map(code -> new LanguageOption(code, t.get("language." + code), code.equals(heldChoice))).toList())
                .data("heldName", heldName).data("firstName", details.firstName()).data("lastName", details.lastName())
                .data("heldLanguage", heldChoice == null ? details.language() : t.get("language." + heldChoice))
                .data("hasStays", details.summary().hasStays()).data("stayCount", details.summary().stayCount())
                .data("lastStay", lastStay(t, details.summary()))
                .data("stayHotels", details.summary().hotelCodes().isEmpty() ? null : String.join(", ", details.summary().hotelCodes()))
                .data("interests", details.summary().interests().entrySet().stream()
                        .map(e -> new InterestRow(e.getKey(), e.getValue())).toList())
                .data("pausedUntil", store.pausedUntil(tenant, value).map(DAY::format).orElse(null))
                .data("csrf", sessions.csrfToken(g.session())).data("notice", notice).data("error", error).render();
        return Response.status(status).type(HTML).header("Cache-Control", "no-store").entity(html).build();
    }

    /** The current consents of one contact point, every scope, for the data download. */
    private static List<Map<String, Object>> consentsOf(String tenant, String value) {
        return ConsentStateEntity.listFor(tenant, value).stream().map(s -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("channel", s.channel);
            row.put("purpose", s.purpose);
            row.put("status", s.status);
            row.put("source", s.source);
            row.put("effectiveAt", s.effectiveAt.toString());
            row.put("scope", s.scope == null ? "TENANT" : s.scope);
            return row;
        }).toList();
    }

    /** "2026-05-03 (ZRH1)", the date alone, or none. */
    private static String lastStay(Map<String, String> t, org.guestcrm.optout.domain.GuestProfileSummary summary) {
        if (summary.lastStayDeparture() == null) {
            return null;
        }
        String day = summary.lastStayDeparture().toString();
        return summary.lastStayHotelCode() == null ? day : String.format(t.get("lastStayAt"), day, summary.lastStayHotelCode());
    }

    private Response message(int status, String language, String title, String message, String token) {
        String html = messagePage.data("lang", language).data("title", title).data("message", message)
                .data("showForm", false).data("action", "").data("button", "").data("switches", List.of())
                .data("moreHref", null).data("moreLabel", "").render();
        return Response.status(status).type(HTML).header("Cache-Control", "no-store").entity(html).build();
    }

    private static Response back(String language, String notice) {
        return Response.seeOther(URI.create("/preferences?lang=" + language + "&notice=" + notice)).build();
    }

    private static ConsentRecorder.Provenance provenance(Guest g, String detail, String correlation) {
        return new ConsentRecorder.Provenance("guest", detail, "preference-session:" + GuestLinks.fingerprint(g.session().nonce()),
                correlation);
    }

    private void activity(String tenant, String ref, String action, HttpServerRequest http, int outcome) {
        store.activity(tenant, ref, action, remote(http), http == null ? null : http.getHeader("User-Agent"), outcome);
    }

    private static String remote(HttpServerRequest http) {
        return http == null || http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
    }
}
