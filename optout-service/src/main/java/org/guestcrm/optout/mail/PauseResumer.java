package org.guestcrm.optout.mail;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.optout.domain.ConsentPurpose;
import org.guestcrm.optout.domain.ConsentSource;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ConsentStatus;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.messaging.ConsentRecorder;
import org.guestcrm.optout.persistence.ConsentStateEntity;
import org.guestcrm.optout.persistence.PreferenceCentreStore;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Ends the pauses of marketing that are due: the consent is granted again (source PREFERENCE_CENTRE, actor guest,
 * detail {@code pause-ended}) only while the pause's own withdrawal is still the current state; a newer statement
 * (the guest, staff, a bounce, the PMS) ends the pause without a change. Due rows are locked with SKIP LOCKED, so
 * replicas share the work.
 */
@ApplicationScoped
public class PauseResumer {

    private static final Logger LOG = Logger.getLogger(PauseResumer.class);

    @Inject
    PreferenceCentreStore store;
    @Inject
    ConsentRecorder recorder;

    @Scheduled(every = "${optout.links.pause-check-every:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void resumeDue() {
        int[] resumed = {0, 0};
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            for (PreferenceCentreStore.Pause pause : store.claimDuePauses(now, 100)) {
                ConsentStateEntity state = ConsentStateEntity.find(pause.tenant(), pause.contactPoint(), pause.channel(),
                        pause.purpose()).orElse(null);
                if (state != null && pause.entryId().equals(state.entryId)) {
                    ConsentChannel channel = ConsentChannel.valueOf(pause.channel());
                    ContactPoint contactPoint = new ContactPoint(channel.kind(), pause.contactPoint());
                    recorder.record(pause.tenant(), new ConsentStatement(contactPoint, channel,
                            ConsentPurpose.valueOf(pause.purpose()), ConsentStatus.GRANTED, ConsentSource.PREFERENCE_CENTRE, now),
                            new ConsentRecorder.Provenance("guest", "pause-ended", "pause:" + pause.id(), UUID.randomUUID().toString()));
                    store.endPause(pause.id(), "RESUMED", now);
                    resumed[0]++;
                } else {
                    store.endPause(pause.id(), "SUPERSEDED", now);
                    resumed[1]++;
                }
            }
        });
        if (resumed[0] + resumed[1] > 0) {
            LOG.debugf("Pauses ended: %d resumed, %d superseded by a newer statement.", resumed[0], resumed[1]);
        }
    }
}
