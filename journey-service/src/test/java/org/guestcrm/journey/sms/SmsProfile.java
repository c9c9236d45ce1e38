package org.guestcrm.journey.sms;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The application with a local SMS gateway ({@link SmsPeer}). A profile of its own, so the test application is always
 * started anew with the peer's settings (a test resource alone did not restart an application another test class had
 * started without it).
 */
public class SmsProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SmsPeer.class));
    }
}
