package org.guestcrm.optout.api;

import java.util.List;
import java.util.Map;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/**
 * The guests' link pages ({@code /u/}, {@code /p/}, {@code /api/v1/unsubscribe}, {@code /preferences...}) refuse a
 * path or query holding a NUL, another C0 control character (tab aside) or DEL with their own "this link is not
 * valid" page (400, HTML, in the language asked for), before any resource or the platform's control-character check
 * (whose problem body would name the path, i.e. echo the token). Nothing of the request is echoed or logged: such a
 * value can never be a signed token, a CSRF token or a language.
 */
public class GuestLinkInputFilter {

    private static final List<String> GUEST_PATHS = List.of("/u/", "/p/", "/api/v1/unsubscribe", "/preferences");

    @Inject
    @Location("guest-page.html")
    Template page;

    @ServerRequestFilter(preMatching = true)
    public Response refuseControlCharacters(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path == null || GUEST_PATHS.stream().noneMatch(path::startsWith)) {
            return null;
        }
        if (!hostile(path) && !hostile(request.getUriInfo().getQueryParameters())) {
            return null;
        }
        String lang = request.getUriInfo().getQueryParameters().getFirst("lang");
        GuestPageTexts texts = GuestPageTexts.choose(lang == null || hostile(lang) ? null : lang,
                request.getHeaderString("Accept-Language"));
        String html = page.data("lang", texts.lang())
                .data("title", texts.invalidTitle())
                .data("message", texts.invalidMessage())
                .data("showForm", false)
                .data("action", "")
                .data("button", texts.confirmButton())
                .data("switches", List.of())
                .data("moreHref", null)
                .data("moreLabel", null)
                .render();
        return Response.status(400).type("text/html;charset=UTF-8").entity(html).build();
    }

    private static boolean hostile(Map<String, List<String>> parameters) {
        for (Map.Entry<String, List<String>> entry : parameters.entrySet()) {
            if (hostile(entry.getKey())) {
                return true;
            }
            for (String value : entry.getValue()) {
                if (value != null && hostile(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean hostile(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
