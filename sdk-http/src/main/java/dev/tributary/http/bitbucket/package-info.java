/**
 * The reactive client of the Bitbucket Cloud REST API 2.0:
 * {@link dev.tributary.http.bitbucket.BitbucketClient} and its resources
 * ({@link dev.tributary.http.bitbucket.Workspaces}, {@link dev.tributary.http.bitbucket.Repositories},
 * {@link dev.tributary.http.bitbucket.Issues}, {@link dev.tributary.http.bitbucket.PullRequests},
 * {@link dev.tributary.http.bitbucket.Commits}, {@link dev.tributary.http.bitbucket.Pipelines}...),
 * each a {@link dev.tributary.http.bitbucket.PagedResource} with server-side filtering
 * ({@link dev.tributary.http.bitbucket.Bbql}), sorting, partial responses and demand-driven paging;
 * the response models (records named after the API's schemas) and the request types
 * ({@link dev.tributary.http.bitbucket.NewIssue}, {@link dev.tributary.http.bitbucket.IssueUpdate},
 * {@link dev.tributary.http.bitbucket.NewPullRequest}, {@link dev.tributary.http.bitbucket.PullRequestMerge},
 * {@link dev.tributary.http.bitbucket.PipelineTarget}). Pipelines and asynchronous merges are
 * followed as jobs with {@link dev.tributary.http.polling.JobPoller}. Sources: Atlassian's
 * Bitbucket Cloud REST API reference and its narrative sections on filtering, pagination, partial
 * responses and errors.
 */
package dev.tributary.http.bitbucket;
