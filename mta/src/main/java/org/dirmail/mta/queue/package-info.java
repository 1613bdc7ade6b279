/**
 * The crash-proof queue. A message is acknowledged with 250 only after it is durable here.
 *
 * <h2>File states</h2>
 * Which files exist for a queue id {@code ID} says what state the message is in, as in qmail's
 * INTERNALS:
 * <table>
 *   <caption>states of one message</caption>
 *   <tr><th>files</th><th>state</th><th>what happens at start</th></tr>
 *   <tr><td>{@code tmp/ID}</td><td>being written; never acknowledged</td><td>deleted</td></tr>
 *   <tr><td>{@code msg/ID}</td><td>queued: every recipient still to do</td><td>scheduled</td></tr>
 *   <tr><td>{@code msg/ID} + {@code state/ID}</td><td>partly done: {@code state/ID} lists the
 *       finished recipient indexes ({@code done N}, {@code failed N reason})</td><td>the others
 *       are scheduled</td></tr>
 *   <tr><td>{@code state/ID} alone</td><td>finished, removal interrupted</td><td>deleted</td></tr>
 *   <tr><td>{@code corrupt/ID}</td><td>unreadable; kept for a human</td><td>left alone</td></tr>
 * </table>
 * {@code state/ID} may also hold {@code deferred N reason} lines: the last deferral of a pending
 * recipient, for {@code dirmail queue list}; they change nothing about what is finished.
 *
 * <h2>Beside the queue proper</h2>
 * <ul>
 *   <li>{@code maildrop/NAME}: a complete queue-format file from {@code dirmail sendmail}, written
 *       to {@code .tmp-NAME}, forced, renamed, directory forced ({@link org.dirmail.mta.queue.Maildrop}).
 *       The server checks it as hostile input, enqueues it into {@code msg/}, then deletes it; a
 *       crash in between queues it twice, never zero times. A bad one goes to
 *       {@code corrupt/maildrop-NAME}.</li>
 *   <li>{@code control/NAME.req} and {@code NAME.reply}: flush and delete requests from
 *       {@code dirmail queue} to the running server ({@link org.dirmail.mta.queue.ControlChannel}).</li>
 * </ul>
 *
 * <h2>Commit protocol</h2>
 * <ol>
 *   <li>Write header records and message bytes to {@code tmp/ID}; {@code force(true)}.</li>
 *   <li>Rename {@code tmp/ID} to {@code msg/ID} (atomic).</li>
 *   <li>fsync {@code msg/}. One fsync covers every rename waiting at that moment (group commit,
 *       {@link org.dirmail.mta.queue.GroupCommitter}).</li>
 *   <li>Only now does {@link org.dirmail.mta.queue.MessageQueue#enqueue} complete, and SMTP say 250.</li>
 * </ol>
 * A recipient is marked finished only after its delivery is durable; at worst a crash between the
 * two delivers a message twice. Loss is not possible once 250 was sent.
 *
 * <p>The queue never parses message content: it stores an envelope and a byte stream. The
 * {@code lock} file keeps a second process off the same queue.
 */
package org.dirmail.mta.queue;
