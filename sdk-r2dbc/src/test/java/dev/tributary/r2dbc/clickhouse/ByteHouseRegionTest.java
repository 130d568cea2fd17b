package dev.tributary.r2dbc.clickhouse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ByteHouseRegionTest {

    @ParameterizedTest
    @CsvSource({
            "AP-SOUTHEAST-1, gateway.aws-ap-southeast-1.bytehouse.cloud",
            "VOLCANO-CN-NORTH-1, bytehouse-cn-beijing.volces.com",
            "CN-NORTH-1, gateway.aws-cn-north-1.bytehouse.cn",
            "US-EAST-1, gateway.aws-us-east-1.bytehouse.cloud",
            "CN-BEIJING, bytehouse-cn-beijing.volces.com"})
    void mapsEachRegionOfTheDriversToItsGatewayHost(String name, String host) {
        ByteHouseRegion region = ByteHouseRegion.of(name);

        assertThat(region.regionName()).isEqualTo(name);
        assertThat(region.gatewayHost()).isEqualTo(host);
        assertThat(region).hasToString(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ap-southeast-1", "Ap-SouthEast-1", " AP-SOUTHEAST-1 ", "ap_southeast_1", "AP_SOUTHEAST_1"})
    void findsARegionIgnoringCaseBlanksAndUnderscores(String name) {
        assertThat(ByteHouseRegion.of(name)).isSameAs(ByteHouseRegion.AP_SOUTHEAST_1);
    }

    @Test
    void rejectsAnUnknownRegionListingTheKnownOnes() {
        assertThatIllegalArgumentException().isThrownBy(() -> ByteHouseRegion.of("EU-WEST-1"))
                .withMessageContaining("Unknown ByteHouse region 'EU-WEST-1'")
                .withMessageContaining("AP-SOUTHEAST-1, VOLCANO-CN-NORTH-1, CN-NORTH-1, US-EAST-1, CN-BEIJING");
    }

    @Test
    void servesTheHttpInterfaceOn8123AndListsTheNativePort19000() {
        assertThat(ByteHouseRegion.HTTP_PORT).isEqualTo(8123).isEqualTo(ByteHouseOptions.DEFAULT_PORT);
        assertThat(ByteHouseRegion.NATIVE_PORT).isEqualTo(19000);
    }
}
