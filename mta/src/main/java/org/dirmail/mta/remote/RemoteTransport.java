package org.dirmail.mta.remote;

import java.util.concurrent.CompletionStage;

/**
 * Hands one message to the mail servers of one domain. The answer says, per recipient, whether
 * the message was delivered, should be tried again later, or bounced.
 */
public interface RemoteTransport {

    /**
     * Delivers {@code tx}; the stage never completes exceptionally (an internal error defers every
     * recipient). It may complete on an I/O thread: do not block in its callbacks.
     */
    CompletionStage<RemoteResult> deliver(RemoteTransaction tx);
}
