package org.guestcrm.connector.api;

import java.time.DateTimeException;
import java.util.UUID;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.apache.avro.AvroRuntimeException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A failure nobody anticipated answers 500 problem+json with an error id and logs the exception <em>redacted</em>:
 * the classes and stack frames of the exception and its causes, never their messages (a JDBC or Jackson message may
 * quote a guest's e-mail address or birth date). Only the failures of our own code paths are mapped here (the data
 * access, Avro, java.time, arithmetic and the usual programming errors); security and JAX-RS exceptions keep their
 * own handling.
 */
public class UnexpectedErrors {

    private static final Logger LOG = Logger.getLogger(UnexpectedErrors.class);

    @ServerExceptionMapper({PersistenceException.class, AvroRuntimeException.class, DateTimeException.class,
            ArithmeticException.class, IllegalStateException.class, IllegalArgumentException.class,
            NullPointerException.class, IndexOutOfBoundsException.class, ClassCastException.class})
    public Response unexpected(RuntimeException e, UriInfo uri) {
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(redacted(e), "Request to %s failed unexpectedly (error %s); messages redacted.", uri.getPath(), errorId);
        return Problem.of(Response.Status.INTERNAL_SERVER_ERROR, "The request could not be completed (error " + errorId + ").")
                .toResponse();
    }

    /** A copy of the exception chain with class names in place of messages, and the original stack frames. */
    static Throwable redacted(Throwable e) {
        Throwable cause = e.getCause() != null && e.getCause() != e ? redacted(e.getCause()) : null;
        Throwable copy = new Throwable(e.getClass().getName(), cause, false, true) {
        };
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }
}
