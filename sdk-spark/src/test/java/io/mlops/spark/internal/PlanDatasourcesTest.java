package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The masking of paths and JDBC URLs; the plan walk itself is tested against real plans in DatasetsApplicationTest. */
class PlanDatasourcesTest {
  @Test
  void jdbcPath_dropsTheUrlsPropertiesWithTheirPassword_andNamesTheTable() {
    assertThat(PlanDatasources.jdbcPath("jdbc:postgresql://db.internal:5432/sales?user=etl&password=hunter2",
        "public.orders")).isEqualTo("jdbc:postgresql://db.internal:5432/sales?dbtable=public.orders");
  }

  @Test
  void jdbcPath_dropsSqlServersSemicolonProperties() {
    assertThat(PlanDatasources.jdbcPath("jdbc:sqlserver://db:1433;databaseName=sales;password=hunter2", "orders"))
        .isEqualTo("jdbc:sqlserver://db:1433?dbtable=orders");
  }

  @Test
  void jdbcPath_masksUserInfo_inBothForms() {
    assertThat(PlanDatasources.jdbcPath("jdbc:mysql://etl:hunter2@db:3306/sales", "orders"))
        .isEqualTo("jdbc:mysql://****@db:3306/sales?dbtable=orders");
    assertThat(PlanDatasources.jdbcPath("jdbc:oracle:thin:scott/hunter2@db:1521:orcl", "orders"))
        .isEqualTo("jdbc:oracle:thin:****@db:1521:orcl?dbtable=orders");
  }

  @Test
  void jdbcPath_withoutCredentials_isKept() {
    assertThat(PlanDatasources.jdbcPath("jdbc:h2:mem:test", null)).isEqualTo("jdbc:h2:mem:test");
  }

  @Test
  void maskPath_hidesTheUserInfoOfAUri_only() {
    assertThat(PlanDatasources.maskPath("s3a://AKIAKEY:secret@bucket/data")).isEqualTo("s3a://****@bucket/data");
    assertThat(PlanDatasources.maskPath("file:/data/tokens.parquet")).isEqualTo("file:/data/tokens.parquet");
  }

  @Test
  void noPlan_noDatasets() {
    PlanDatasources none = PlanDatasources.of(null);
    assertThat(none.reads()).isEmpty();
    assertThat(none.writes()).isEmpty();
    assertThat(none.truncated()).isFalse();
  }
}
