package dev.tributary.http.bitbucket;

import dev.tributary.http.HttpConnectionException;
import dev.tributary.http.HttpTransientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The first page's URL built from the listing options (nothing is sent). */
class PagedResourceTest {

    private static final BitbucketClient BB = BitbucketClient.builder().build();

    @AfterAll
    static void close() {
        BB.close();
    }

    private static String url(PagedResource<?, ?> resource) {
        return resource.firstPageWithOptions().getUrl().toString();
    }

    @Test
    void buildsTheFirstPageFromTheOptions() {
        assertThat(url(BB.issues("acme", "app")))
                .isEqualTo("https://api.bitbucket.org/2.0/repositories/acme/app/issues?pagelen=100&sort=id");
        assertThat(url(BB.issues("acme", "app").filter(Bbql.field("state").eq("open")).sortDescending("updated_on").pagelen(20)))
                .isEqualTo("https://api.bitbucket.org/2.0/repositories/acme/app/issues?pagelen=20"
                        + "&q=state%20%3D%20%22open%22&sort=-updated_on");
        assertThat(url(BB.issues("acme", "app").unsorted())).isEqualTo("https://api.bitbucket.org/2.0/repositories/acme/app/issues?pagelen=100");
        assertThat(url(BB.repositories("acme").fields("+values.owner", "values.slug")))
                .isEqualTo("https://api.bitbucket.org/2.0/repositories/acme?pagelen=100&fields=%2Bvalues.owner%2Cvalues.slug%2Cnext");
        assertThat(url(BB.workspaces())).isEqualTo("https://api.bitbucket.org/2.0/user/workspaces?pagelen=100");
        assertThat(url(BB.pipelines("acme", "app").steps("{0a1b}")))
                .isEqualTo("https://api.bitbucket.org/2.0/repositories/acme/app/pipelines/%7B0a1b%7D/steps?pagelen=100");
        assertThat(url(BB.commits("acme", "app").revision("feature/x")))
                .isEqualTo("https://api.bitbucket.org/2.0/repositories/acme/app/commits/feature%2Fx?pagelen=100");
    }

    @Test
    void capsThePageLengthPerEndpoint() {
        assertThat(url(BB.pullRequests("acme", "app").pagelen(100))).contains("pagelen=50");
        assertThat(url(BB.pullRequests("acme", "app").states(PullRequestState.OPEN, PullRequestState.DECLINED)))
                .isEqualTo("https://api.bitbucket.org/2.0/repositories/acme/app/pullrequests?pagelen=50&sort=id&state=OPEN&state=DECLINED");
        assertThat(url(BB.issues("acme", "app").pagelen(500))).contains("pagelen=100");
        assertThatThrownBy(() -> BB.issues("acme", "app").pagelen(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pagelen");
    }

    @Test
    void refusesBadOptionsNamingThem() {
        assertThatThrownBy(() -> BB.issues("acme", "app").sort("updated_on; drop")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("updated_on; drop");
        assertThatThrownBy(() -> BB.issues("acme", "app").fields("a,b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a,b");
        assertThatThrownBy(() -> BB.issues("acme", "app").q(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BB.issues(" ", "app")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workspace");
        assertThatThrownBy(() -> BitbucketClient.builder().pagelen(101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optionsReturnNewResourcesAndLeaveTheOriginalAlone() {
        Issues all = BB.issues("acme", "app");
        Issues open = all.filter(Bbql.field("state").eq("open"));
        assertThat(open).isNotSameAs(all);
        assertThat(url(all)).doesNotContain("q=");
        assertThat(open.q(null).toString()).doesNotContain("q=");
    }

    @Test
    void retriesWritesOnlyWhenTheRequestWasNotProcessed() {
        assertThat(BitbucketClient.notProcessed(new HttpConnectionException("refused", "POST", "u", 0, false, null))).isTrue();
        assertThat(BitbucketClient.notProcessed(new HttpConnectionException("reset", "POST", "u", 0, true, null))).isFalse();
        assertThat(BitbucketClient.notProcessed(new HttpTransientException("429", "POST", "u", 429, null, null, null))).isTrue();
        assertThat(BitbucketClient.notProcessed(new HttpTransientException("503", "POST", "u", 503, null, null, null))).isFalse();
        assertThat(BitbucketClient.notProcessed(new IllegalStateException())).isFalse();
    }
}
