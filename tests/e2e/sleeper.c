/* A process that does nothing until SIGTERM. End-to-end tests copy it under control-plane names
 * (kube-apiserver, kubelet, etcd, ...) and start it with their argv so /proc/<pid>/cmdline is real.
 * Arguments are ignored. */
#include <signal.h>
#include <unistd.h>

static void on_term(int sig) {
    (void)sig;
    _exit(0);
}

int main(void) {
    struct sigaction action = {0};
    action.sa_handler = on_term;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    for (;;) pause();
}
