package org.guestcrm.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;

/**
 * Makes the {@code shared()} servers one per JVM even when this library is loaded by several class
 * loaders. Quarkus loads test resources and tests in a new runtime class loader each time it
 * restarts the application (another profile, other test resources), which would give every
 * restart its own copy of the static singletons, i.e. another broker and another database server.
 *
 * <p>When the calling copy of a class is not the application (system) class loader's and that
 * loader can load the same class (surefire puts the whole test class path there), the shared
 * server is started by the system class loader's copy, which is never closed, and only plain JDK
 * values (ports, paths, bytes) cross over.
 */
final class JvmWide {

    private JvmWide() {
    }

    /** The system class loader's copy of {@code type}, or {@code null} if {@code type} is that copy or it cannot be loaded there. */
    static Class<?> systemCopy(Class<?> type) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (type.getClassLoader() == system) {
            return null;
        }
        try {
            Class<?> copy = Class.forName(type.getName(), true, system);
            return copy == type ? null : copy;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** Calls a public static no-argument method of {@code type}. */
    @SuppressWarnings("unchecked")
    static <T> T callStatic(Class<?> type, String method) {
        try {
            return (T) type.getMethod(method).invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(type.getSimpleName() + "." + method + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot call " + type.getName() + "." + method, e);
        }
    }

    /**
     * Runs {@code start} with this library's class loader as the thread context class loader, so
     * server threads (which inherit it) and class-by-name lookups never use a test class loader
     * that may be closed later.
     */
    static <T> T withOwnClassLoader(Supplier<T> start) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(JvmWide.class.getClassLoader());
        try {
            return start.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
