package dev.tributary.testkit.netty;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NettyLeakCheckTest {

    private static final String DRIVER_ONLY = "ByteBuf leaked:\nCreated at:\n"
            + "\tio.r2dbc.postgresql.message.backend.DataRow.decodeColumn(DataRow.java:149)\n"
            + "\tio.r2dbc.postgresql.message.backend.DataRow.decode(DataRow.java:139)\n"
            + "\tio.netty.channel.AbstractChannelHandlerContext.invokeChannelRead(AbstractChannelHandlerContext.java:377)\n";

    @Test
    void aDriverMessageThatNeverReachedTributaryIsTheDriversLeak() {
        assertThat(NettyLeakCheck.isInsideR2dbcPostgresqlOnly(DRIVER_ONLY)).isTrue();
    }

    @Test
    void aDriverMessageThatReachedTributaryCodeIsOurs() {
        String touched = DRIVER_ONLY + "#1:\n\tdev.tributary.r2dbc.RowMapping.toMap(RowMapping.java:40)\n";
        assertThat(NettyLeakCheck.isInsideR2dbcPostgresqlOnly(touched)).isFalse();
    }

    @Test
    void anyOtherBufferIsOurs() {
        String bindValue = "ByteBuf leaked:\nCreated at:\n\tio.r2dbc.postgresql.util.ByteBufUtils.encode(ByteBufUtils.java:57)\n";
        assertThat(NettyLeakCheck.isInsideR2dbcPostgresqlOnly(bindValue)).isFalse();
        assertThat(NettyLeakCheck.isInsideR2dbcPostgresqlOnly("ByteBuf leaked:\n\treactor.netty.channel.FluxReceive.drainReceiver\n")).isFalse();
    }
}
