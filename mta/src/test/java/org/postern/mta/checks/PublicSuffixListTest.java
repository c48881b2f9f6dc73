package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.postern.model.DomainName;

class PublicSuffixListTest {
    private static final PublicSuffixList PSL = PublicSuffixList.bundled();

    private static String org(String domain) {
        return PSL.organizationalDomain(DomainName.parse(domain)).ascii();
    }

    @Test
    void ordinaryNamesKeepTwoLabels() {
        assertThat(org("example.com")).isEqualTo("example.com");
        assertThat(org("a.b.example.com")).isEqualTo("example.com");
    }

    @Test
    void multiLabelSuffixesAreHonoured() {
        assertThat(org("www.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(org("example.co.uk")).isEqualTo("example.co.uk");
        assertThat(PSL.publicSuffix(DomainName.parse("mail.example.co.uk"))).isEqualTo("co.uk");
    }

    @Test
    void aPublicSuffixIsItsOwnOrganizationalDomain() {
        assertThat(org("co.uk")).isEqualTo("co.uk");
    }

    @Test
    void wildcardAndExceptionRulesApply() {
        assertThat(org("a.foo.bar.ck")).isEqualTo("foo.bar.ck");
        assertThat(org("a.www.ck")).isEqualTo("www.ck");
        assertThat(org("x.city.kawasaki.jp")).isEqualTo("city.kawasaki.jp");
    }

    @Test
    void privateSectionSuffixesSeparateTenants() {
        assertThat(org("alice.github.io")).isEqualTo("alice.github.io");
        assertThat(org("www.alice.github.io")).isEqualTo("alice.github.io");
    }

    @Test
    void unlistedTopLevelDomainsUseTheImplicitRule() {
        assertThat(org("mail.example.test")).isEqualTo("example.test");
    }

    @Test
    void internationalisedRulesMatchTheirALabels() {
        assertThat(org("www.example.公司.cn")).isEqualTo(DomainName.parse("example.公司.cn").ascii());
    }

    @Test
    void aCustomListIsParsed() throws IOException {
        PublicSuffixList list = PublicSuffixList.parse(new StringReader("// comment\nexample\n*.wild.example\n!ok.wild.example\n"));
        assertThat(list.organizationalDomain(DomainName.parse("a.b.example")).ascii()).isEqualTo("b.example");
        assertThat(list.organizationalDomain(DomainName.parse("a.b.wild.example")).ascii()).isEqualTo("a.b.wild.example");
        assertThat(list.organizationalDomain(DomainName.parse("a.ok.wild.example")).ascii()).isEqualTo("ok.wild.example");
        assertThatThrownBy(() -> PublicSuffixList.parse(new StringReader("// nothing\n"))).isInstanceOf(IOException.class);
    }
}
