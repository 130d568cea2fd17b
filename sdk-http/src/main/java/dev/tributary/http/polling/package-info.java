/**
 * Job polling as data flow: {@link dev.tributary.http.polling.JobPoller}, with typed failures ({@link dev.tributary.http.polling.JobFailedException}) and deadlines ({@link dev.tributary.http.polling.JobTimeoutException}).
 */
package dev.tributary.http.polling;
