package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import atelier.api.FloatImage;
import atelier.api.TransferResult;

class ProvenanceInfoTest {
    private final FakeStyleTransferService service = new FakeStyleTransferService();

    private TransferResult result(TransferSettings s) {
        Map<String, String> used = new LinkedHashMap<>(s.parameters());
        return new TransferResult(new FloatImage(1, 1, 3, new float[3]), s.strategyId(), "0.1.0",
                "atelier.strategy.latentstats", used, s.seed(), "taesd/taef2.safetensors", "0123abcd", 1.234);
    }

    @Test
    void recordsEverythingNeededToReproduce() {
        TransferSettings s = SettingsParser.parse("style=[/data/my style.png] method=wct strength=0.3 seed=5",
                service.strategies());
        String info = ProvenanceInfo.text("astronaut.png", "/data/astronaut.png", "/data/my style.png", s, result(s));
        String[] lines = info.split("\n");
        assertEquals(ProvenanceInfo.HEADER, lines[0]);
        assertEquals("content: astronaut.png (/data/astronaut.png)", lines[1]);
        assertEquals("style: /data/my style.png", lines[2]);
        assertEquals("strategy: latent-stats", lines[3]);
        assertEquals("bundle: atelier.strategy.latentstats 0.1.0", lines[4]);
        assertEquals("parameter.autoencoder: taef2", lines[5]);
        assertEquals("parameter.method: wct", lines[6]);
        assertEquals("parameter.strength: 0.3", lines[7]);
        assertEquals("parameter.keep_colors: false", lines[8]);
        assertEquals("seed: 5", lines[9]);
        assertEquals("model: taesd/taef2.safetensors", lines[10]);
        assertEquals("model.sha256: 0123abcd", lines[11]);
        assertEquals("seconds: 1.23", lines[12]);
        assertEquals("cli: atelier transfer --content /data/astronaut.png --style '/data/my style.png' "
                + "--strategy latent-stats --set autoencoder=taef2 --set method=wct --set strength=0.3 "
                + "--set keep_colors=false --seed 5 --out astronaut-latent-stats.png", lines[14]);
    }

    @Test
    void theRecordedMacroCallReplaysToTheSameSettings() {
        TransferSettings s = SettingsParser.parse("style=[a \"quoted\" style] strategy=all-types prompt=[say \"hi\"] "
                + "steps=12 seed=99 model=[m]", service.strategies());
        String info = ProvenanceInfo.text("c", null, null, s, result(s));
        Matcher m = Pattern.compile("macro: run\\(\"Style Transfer\\.\\.\\.\", \"((?:[^\"\\\\]|\\\\.)*)\"\\);")
                .matcher(info);
        assertTrue(m.find(), info);
        String options = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        assertEquals(s, SettingsParser.parse(options, service.strategies()));
        assertTrue(info.contains("--content '<content image file>'"), info);
    }

    @Test
    void parametersTheServiceAddedAreListedToo() {
        TransferSettings s = SettingsParser.parse("style=x", service.strategies());
        Map<String, String> used = new LinkedHashMap<>(s.parameters());
        used.put("extra", "1");
        TransferResult r = new TransferResult(new FloatImage(1, 1, 1, new float[1]), "latent-stats", "0.1.0", "b",
                used, 42, "", "", 0);
        String info = ProvenanceInfo.text("c", null, null, s, r);
        assertTrue(info.contains("parameter.extra: 1\n") && info.contains("model: (none)\n"), info);
    }

    @Test
    void shellQuoting() {
        assertEquals("plain/path.png", ProvenanceInfo.shellQuote("plain/path.png"));
        assertEquals("'it'\\''s here'", ProvenanceInfo.shellQuote("it's here"));
        assertEquals("''", ProvenanceInfo.shellQuote(""));
    }
}
