package org.guestcrm.optout.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a PMS profile's marketing flags into consent statements for its contact points. Only what the PMS
 * said becomes a statement: no flags, or a flag that is null, says nothing, so no consent is invented.
 * <ul>
 *   <li>{@code doNotContact = true} withdraws marketing on every channel, whatever the opt-ins say.</li>
 *   <li>{@code emailOptIn} grants or withdraws EMAIL marketing for each of the profile's e-mail addresses.</li>
 *   <li>{@code smsOptIn} grants or withdraws SMS marketing for each of its phone numbers.</li>
 *   <li>{@code phoneOptIn} grants or withdraws PHONE (call) marketing for each of its phone numbers.</li>
 *   <li>{@code postOptIn} grants or withdraws POST (letter) marketing for each of its postal addresses that has a
 *       key (country, postcode, street line); an address without one gets no statement.</li>
 *   <li>{@code doNotContact = false} alone grants nothing: it only lifts the PMS-wide block.</li>
 * </ul>
 */
public final class PmsConsentInterpreter {

    public List<ConsentStatement> statements(PmsMarketingPermissions flags, List<ContactPoint> contactPoints, Instant effectiveAt) {
        Objects.requireNonNull(contactPoints, "contactPoints");
        Objects.requireNonNull(effectiveAt, "effectiveAt");
        List<ConsentStatement> statements = new ArrayList<>();
        if (flags == null) {
            return statements;
        }
        boolean blocked = Boolean.TRUE.equals(flags.doNotContact());
        for (ContactPoint contactPoint : contactPoints.stream().distinct().toList()) {
            switch (contactPoint.kind()) {
                case EMAIL -> add(statements, contactPoint, ConsentChannel.EMAIL, blocked, flags.emailOptIn(), effectiveAt);
                case PHONE -> {
                    add(statements, contactPoint, ConsentChannel.SMS, blocked, flags.smsOptIn(), effectiveAt);
                    add(statements, contactPoint, ConsentChannel.PHONE, blocked, flags.phoneOptIn(), effectiveAt);
                }
                case POSTAL -> add(statements, contactPoint, ConsentChannel.POST, blocked, flags.postOptIn(), effectiveAt);
            }
        }
        return statements;
    }

    private static void add(List<ConsentStatement> statements, ContactPoint contactPoint, ConsentChannel channel, boolean blocked,
            Boolean optIn, Instant effectiveAt) {
        ConsentStatus status;
        if (blocked) {
            status = ConsentStatus.WITHDRAWN;
        } else if (optIn != null) {
            status = optIn ? ConsentStatus.GRANTED : ConsentStatus.WITHDRAWN;
        } else {
            return;
        }
        statements.add(new ConsentStatement(contactPoint, channel, ConsentPurpose.MARKETING, status, ConsentSource.PMS, effectiveAt));
    }
}
