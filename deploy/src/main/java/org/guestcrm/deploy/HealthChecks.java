package org.guestcrm.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness probes of the stack's parts: each returns what is wrong, or null when ready. */
final class HealthChecks {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HealthChecks() {
    }

    static String http(String url) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? null : "GET " + url + " answered " + response.statusCode();
        } catch (IOException e) {
            return "GET " + url + " failed: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static String kafka(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        try (Admin admin = Admin.create(properties)) {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(4, TimeUnit.SECONDS).size();
            return brokers > 0 ? null : "no broker in the cluster yet";
        } catch (Exception e) {
            return "Kafka at " + bootstrapServers + " does not answer (" + e.getClass().getSimpleName() + ")";
        }
    }

    static String postgres(String jdbcUrl) {
        Properties properties = new Properties();
        properties.put("user", "postgres");
        properties.put("connectTimeout", "3");
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties)) {
            return connection.isValid(3) ? null : "PostgreSQL connection is not valid";
        } catch (SQLException e) {
            return "PostgreSQL at " + jdbcUrl + " does not answer (" + e.getSQLState() + ")";
        }
    }

    /** An SMTP server greets with 220. */
    static String smtp(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 2000);
            socket.setSoTimeout(3000);
            InputStream in = socket.getInputStream();
            byte[] greeting = new byte[3];
            int read = in.readNBytes(greeting, 0, 3);
            String code = new String(greeting, 0, read, StandardCharsets.US_ASCII);
            return "220".equals(code) ? null : "SMTP on port " + port + " greeted with '" + code + "'";
        } catch (IOException e) {
            return "SMTP on port " + port + " does not answer (" + e.getClass().getSimpleName() + ")";
        }
    }

    static boolean portInUse(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            return true;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
