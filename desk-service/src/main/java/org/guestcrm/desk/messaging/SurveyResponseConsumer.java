package org.guestcrm.desk.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** crm.survey-responses, a polled batch at a time, through service-platform's BatchIntake. */
@ApplicationScoped
public class SurveyResponseConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    SurveyAnswerHandler handler;

    @Incoming("survey-responses-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
