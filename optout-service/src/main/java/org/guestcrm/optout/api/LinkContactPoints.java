package org.guestcrm.optout.api;

import java.util.Optional;

import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.GuestLinkSubject;
import org.guestcrm.optout.persistence.KnownContactPoints;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The contact point a guest link's subject names: by opaque reference (looked up among the contact points held: a
 * reference nobody holds names nothing, and the page says exactly what it says for an invalid link), or, for links
 * signed before references, by the address itself (while {@code optout.links.accept-address-subjects} is true).
 */
@ApplicationScoped
public class LinkContactPoints {

    @Inject
    KnownContactPoints known;
    @Inject
    OptoutConfig config;

    public Optional<ContactPoint> resolve(String tenant, GuestLinkSubject subject) {
        Optional<ContactPoint> point;
        if (subject.namesAddress()) {
            if (!config.links().acceptAddressSubjects()) {
                return Optional.empty();
            }
            // Old form, to be removed with the flag (see OptoutConfig.Links#acceptAddressSubjects).
            point = subject.channel() == ConsentChannel.EMAIL ? ContactPoint.email(subject.contactPoint())
                    : ContactPoint.phone(subject.contactPoint());
        } else {
            point = known.resolve(tenant, subject.contactPoint());
        }
        return point.filter(subject::fits);
    }
}
