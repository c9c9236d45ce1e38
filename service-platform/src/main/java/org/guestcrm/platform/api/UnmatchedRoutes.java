package org.guestcrm.platform.api;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The last route of every service's HTTP router: a request no route took (no REST resource, no health or metrics
 * endpoint) gets a 404 problem body instead of Vert.x's HTML page, so every 4xx of the CRM says why in one format
 * ({@code ./crm fuzz} counted 404s without a body on unmatched paths). The instance is the request path, cut to 200
 * characters and JSON-escaped; nothing of the request is logged.
 */
@ApplicationScoped
public class UnmatchedRoutes {

    static final int MAX_INSTANCE_LENGTH = 200;

    private final ObjectMapper json = new ObjectMapper();

    void register(@Observes Router router) {
        router.route().order(Integer.MAX_VALUE).handler(context -> {
            if (context.response().ended() || context.response().headWritten()) {
                return;
            }
            String path = context.request().path();
            if (path == null) {
                path = "/";
            } else if (path.length() > MAX_INSTANCE_LENGTH) {
                path = path.substring(0, MAX_INSTANCE_LENGTH);
            }
            String body;
            try {
                body = json.writeValueAsString(new Problem("about:blank", "Not Found", 404,
                        "There is no resource at this path.", path, List.of()));
            } catch (JsonProcessingException e) {
                body = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}";
            }
            context.response().setStatusCode(404).putHeader("Content-Type", Problem.MEDIA_TYPE).end(body);
        });
    }
}
