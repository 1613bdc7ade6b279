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
 * <p>SMTP mail whose local recipients are all delivered before the reply
 * ({@link org.dirmail.mta.delivery.InlineDelivery}) never gets a queue file: its Maildir files are
 * the durable copy. When some are not, the message is queued under the id it was given, with
 * {@code state/ID} written (forced) before the commit, listing the recipients already delivered.
 *
 * <h2>Bounces and the double-bounce sender</h2>
 * When recipients fail, {@link org.dirmail.mta.bounce.Bouncer} queues the report as a new message
 * and only then is {@code failed N reason} appended to {@code state/ID}; a crash in between sends
 * the report twice, never not at all. The sender in a message file says what a failure leads to:
 * <table>
 *   <caption>envelope senders and their bounces</caption>
 *   <tr><th>{@code sender} record</th><th>message</th><th>a failure is reported to</th></tr>
 *   <tr><td>an address</td><td>ordinary mail</td><td>that address, from {@code <>}</td></tr>
 *   <tr><td>empty ({@code <>})</td><td>a bounce or notification</td><td>the postmaster, from
 *       {@code #@[]}</td></tr>
 *   <tr><td>{@code #@[]}</td><td>a double bounce</td><td>nobody: logged as a triple bounce and
 *       dropped</td></tr>
 * </table>
 * {@code #@[]} is qmail's mark ({@link org.dirmail.mta.queue.Envelope#DOUBLE_BOUNCE_SENDER}). It
 * lives only in message files: {@code MAIL FROM} and {@code Return-Path:} carry {@code <>} instead
 * ({@link org.dirmail.mta.queue.Envelope#wireSender()}), and SMTP refuses it as a sender (an empty
 * address literal), so no client can forge it. Forwarded copies keep their message's sender and
 * a group never replaces a null sender with its bounceadmin, so every chain of bounces ends after
 * two links.
 *
 * <p>The queue never parses message content: it stores an envelope and a byte stream. The
 * {@code lock} file keeps a second process off the same queue.
 */
package org.dirmail.mta.queue;
