package dev.dawg.platform.web;

import java.util.List;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;

import org.springframework.stereotype.Component;

/**
 * Keeps no thread-local accessor in Micrometer's context registry. With the context-propagation library on the class
 * path, Reactor restores the thread locals of every registered accessor around each signal of its {@code handle} and
 * {@code tap} operators, which the R2DBC driver and others use for every protocol message: Spring Security's two,
 * its exchange's, Micrometer's observation and the request id, read from the Reactor context and set and reset per
 * message (~6 % of a comment POST's CPU, JFR). Nothing here reads them from a thread local: requests are reactive
 * end to end, and the request id reaches the MDC where a line is written ({@link RequestIds#logged}).
 */
@Component
class ReactorThreadLocals {

    ReactorThreadLocals() {
        removeAll(ContextRegistry.getInstance());
    }

    static void removeAll(ContextRegistry registry) {
        List<Object> keys = registry.getThreadLocalAccessors().stream().<Object>map(ThreadLocalAccessor::key).toList();
        keys.forEach(registry::removeThreadLocalAccessor);
    }
}
