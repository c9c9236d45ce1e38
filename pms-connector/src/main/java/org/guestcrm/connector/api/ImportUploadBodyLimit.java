package org.guestcrm.connector.api;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Exempts the history import upload ({@code POST /api/v1/feeds/{feedId}/imports}), and only it, from Quarkus' body
 * limit ({@code quarkus.http.limits.max-body-size}, 10M): {@link ImportResource} streams that body into the database
 * and enforces the import's own limit ({@code connector.imports.max-bytes}) while it reads. Every other request keeps
 * the 10 MB limit (on push endpoints it is a security control).
 * <p>
 * Quarkus' limit is one route of order {@link RouteConstants#ROUTE_ORDER_UPLOAD_LIMIT}: it refuses a declared
 * Content-Length above the limit, else it puts the limit in the routing context, where the REST layer's input stream
 * reads it. So the route just before it hides the import upload's Content-Length, and the route just after it drops
 * the limit it put and gives the Content-Length back.
 */
@ApplicationScoped
public class ImportUploadBodyLimit {

    private static final Pattern IMPORT_UPLOAD = Pattern.compile("/api/v1/feeds/[^/]+/imports/?");
    private static final String EXEMPT = ImportUploadBodyLimit.class.getName() + ".exempt";
    private static final String HELD_LENGTH = ImportUploadBodyLimit.class.getName() + ".content-length";

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::beforeQuarkusLimit);
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1).handler(this::afterQuarkusLimit);
    }

    static boolean isImportUpload(RoutingContext context) {
        return context.request().method() == HttpMethod.POST && context.normalizedPath() != null
                && IMPORT_UPLOAD.matcher(context.normalizedPath()).matches();
    }

    private void beforeQuarkusLimit(RoutingContext context) {
        if (isImportUpload(context)) {
            context.put(EXEMPT, Boolean.TRUE);
            String length = context.request().headers().get(HttpHeaders.CONTENT_LENGTH);
            if (length != null) {
                context.put(HELD_LENGTH, length);
                context.request().headers().remove(HttpHeaders.CONTENT_LENGTH);
            }
        }
        context.next();
    }

    private void afterQuarkusLimit(RoutingContext context) {
        if (context.get(EXEMPT) != null) {
            context.remove(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY);
            String length = context.get(HELD_LENGTH);
            if (length != null) {
                context.request().headers().set(HttpHeaders.CONTENT_LENGTH, length);
            }
        }
        context.next();
    }
}
