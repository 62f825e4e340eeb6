# Login shells get the container's environment as /sbin/my_init saw it at boot.
# /etc/container_environment.sh is mode 0640 root:docker_env: users outside that group
# skip it silently instead of getting a "Permission denied" at every login.
if [ -r /etc/container_environment.sh ]; then
    . /etc/container_environment.sh
fi
