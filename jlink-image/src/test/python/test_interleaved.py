"""jlink-image/scripts/interleaved.py, the benchmark's interleaved timing of a command and its floor."""
import subprocess
import sys
import unittest
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "interleaved.py"


def interleaved(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)


class InterleavedTest(unittest.TestCase):
    def test_times_every_command_once_a_round_after_the_warm_ups(self):
        result = interleaved("m_ms", "5", "2", "a", "/bin/true", "b", "/bin/sh -c 'exit 0'")

        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [line.split("\t") for line in result.stdout.splitlines()]
        self.assertEqual(len(lines), 10)
        self.assertEqual(sorted(name for _, name, _ in lines), ["a"] * 5 + ["b"] * 5)
        for measure, _, ms in lines:
            self.assertEqual(measure, "m_ms")
            self.assertGreater(float(ms), 0)
        # Each round holds one run of each: a and b alternate in pairs.
        for i in range(0, 10, 2):
            self.assertEqual({lines[i][1], lines[i + 1][1]}, {"a", "b"})

    def test_the_order_changes_from_round_to_round_but_not_from_run_to_run(self):
        orders = [
            [line.split("\t")[1] for line in interleaved("m", "20", "0", "a", "/bin/true", "b", "/bin/true").stdout.splitlines()]
            for _ in range(2)
        ]

        self.assertEqual(orders[0], orders[1])
        self.assertIn("b", orders[0][0::2])
        self.assertIn("a", orders[0][0::2])

    def test_a_failing_command_fails_the_measure(self):
        result = interleaved("m", "1", "0", "a", "/bin/false")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("/bin/false exited 1", result.stderr)
        self.assertEqual(result.stdout, "")


if __name__ == "__main__":
    unittest.main()
